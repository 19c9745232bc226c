using System.Collections.Immutable;
using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Core.Decisions;

namespace Vigil.Core.Tests.Engine;

/// <summary>
/// A coordinator that just started sees only part of the membership; it must not declare the others failed and
/// fence them before its view could have formed (one dead time, like Pacemaker's dc-deadtime).
/// </summary>
public class CoordinatorBootGraceTests
{
    [Fact]
    public void AFreshCoordinatorDecidesNothingForOneDeadTime()
    {
        var config = Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build();
        var state = ClusterState.Initial(config);
        foreach (var n in new[] { "n1", "n2", "n3" })
            state = ClusterStateReducer.Apply(state, new NodeJoined(n, "earlier life"));
        var coordinator = new Coordinator(config, "n1");
        var view = new MembershipView(1, new HashSet<string>(StringComparer.Ordinal) { "n1", "n2" });
        var deadTime = config.Cluster.Timing.DeadTime;

        coordinator.Step(TimeSpan.Zero, new MembershipChanged(view));
        var early = coordinator.Step(deadTime - TimeSpan.FromMilliseconds(1), new StateCommitted(state));
        Assert.Empty(early.Decisions);
        Assert.Empty(early.Effects);

        var later = coordinator.Step(deadTime, new CoordinatorTick());
        Assert.Contains(later.Decisions, d => d is NodeFailed { Node: "n3" });
    }
}
