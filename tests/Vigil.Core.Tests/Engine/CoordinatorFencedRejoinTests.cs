using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Core.Decisions;

namespace Vigil.Core.Tests.Engine;

/// <summary>
/// A node fenced by another coordinator was reset; a coordinator whose view still lists it (views lag) must not
/// bring it back on its old report — only a report from a newer incarnation proves it rebooted and rejoined.
/// </summary>
public class CoordinatorFencedRejoinTests
{
    [Fact]
    public void ANodeFencedElsewhereRejoinsOnlyFromANewIncarnation()
    {
        var config = Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build();
        var state = ClusterState.Initial(config);
        foreach (var n in new[] { "n1", "n2", "n3" })
            state = ClusterStateReducer.Apply(state, new NodeJoined(n, "t"));
        var coordinator = new Coordinator(config, "n1");
        coordinator.Step(-config.Cluster.Timing.DeadTime, new CoordinatorTick());
        var now = TimeSpan.Zero;
        coordinator.Step(now, new MembershipChanged(new MembershipView(1, new HashSet<string>(StringComparer.Ordinal) { "n1", "n2", "n3" })));
        coordinator.Step(now, new StateCommitted(state));
        foreach (var n in new[] { "n1", "n2", "n3" })
            coordinator.Step(now, new ReportReceived(Report(n, incarnation: 1, sequence: 1)));

        var fencedElsewhere = ClusterStateReducer.ApplyAll(state, [new NodeFailed("n3", "t"), new NodeFenced("n3", "another coordinator fenced it")]);
        Assert.DoesNotContain(coordinator.Step(now, new StateCommitted(fencedElsewhere)).Decisions, IsJoinOfN3);
        Assert.DoesNotContain(coordinator.Step(now, new ReportReceived(Report("n3", incarnation: 1, sequence: 2))).Decisions, IsJoinOfN3);
        Assert.Contains(coordinator.Step(now, new ReportReceived(Report("n3", incarnation: 2, sequence: 1))).Decisions, IsJoinOfN3);
    }

    private static bool IsJoinOfN3(Decision d) => d is NodeJoined { Node: "n3" };

    private static NodeReport Report(string node, long incarnation, long sequence) =>
        new(node, incarnation, sequence, 0, [], []);
}

/// <summary>A fence attempt that never answers counts as failed after the fence timeout and is retried under a new number.</summary>
public class CoordinatorFenceTimeoutTests
{
    [Fact]
    public void AnUnansweredFenceIsRetriedAndALateAnswerToTheLostAttemptIsIgnored()
    {
        var options = new CoordinatorOptions { FenceTimeout = TimeSpan.FromSeconds(10) };
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n2", "n1"]).Build(), options);
        d.Start("n1", "n2", "n3");
        Assert.Equal("n2", d.Owner("web"));
        d.Fail("n2");
        Assert.Equal(1, d.LastFence("n2").Attempt);

        Assert.DoesNotContain(d.Tick(TimeSpan.FromSeconds(9)).Effects, e => e is FenceNode);
        var retry = d.Tick(TimeSpan.FromSeconds(2));
        Assert.Contains(retry.Notices, n => n.Contains("did not answer", StringComparison.Ordinal));
        Assert.Equal(2, d.LastFence("n2").Attempt);

        var late = d.Raw(new FenceCompleted("n2", 1, true, "late answer to the lost attempt"));
        Assert.DoesNotContain(late.Decisions, x => x is NodeFenced);
        Assert.Equal("n2", d.Owner("web"));

        var answer = d.FenceSucceeds("n2");
        Assert.Contains(answer.Decisions, x => x is NodeFenced { Node: "n2" });
        Assert.Equal("n1", d.Owner("web"));
    }
}
