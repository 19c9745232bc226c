using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Core.Decisions;

namespace Vigil.Core.Tests.Engine;

/// <summary>`vigil fence NODE`: the operator fences a healthy node; its groups move only once the fence succeeded.</summary>
public class CoordinatorOperatorFenceTests
{
    [Fact]
    public void AnOperatorFenceFreesTheGroupsOnlyAfterTheDeviceSucceeded()
    {
        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n2", "n1", "n3"]));
        Assert.Equal("n2", d.Owner("web"));

        var asked = d.Operator(new FenceNodeNow("n2"));
        Assert.Equal(["FenceRequested n2 #1"], asked.Short);
        Assert.Contains("operator: fence n2 via pdu", asked.Of<FenceRequested>().Single().Reason, StringComparison.Ordinal);
        Assert.Equal("n2", d.LastFence("n2").Node);
        Assert.Equal("n2", d.Owner("web")); // still n2's until the device answers

        var fenced = d.FenceSucceeds("n2");
        Assert.Equal("NodeFenced n2", fenced.Short[0]);
        Assert.Contains("GroupAssigned web n1", fenced.Short);
        Assert.Equal(NodeHealth.Fenced, d.State.Nodes["n2"].Health);
    }

    [Fact]
    public void AFailedOperatorFenceIsReportedAndLeavesTheNodeAndItsGroupsAlone()
    {
        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n2", "n1", "n3"]));
        d.Operator(new FenceNodeNow("n2"));

        var failed = d.FenceFails("n2", "exit 1: Failed: Unable to connect");
        Assert.Equal(["FenceFailed n2 #1"], failed.Short);
        Assert.Contains("operator fence of n2 via pdu failed (exit 1: Failed: Unable to connect)", failed.Of<FenceFailed>().Single().Reason, StringComparison.Ordinal);
        Assert.Equal((NodeHealth.Up, "n2"), (d.State.Nodes["n2"].Health, d.Owner("web")));
        Assert.Empty(d.Tick(TimeSpan.FromMinutes(5)).Decisions); // no retry of an operator fence
    }

    [Fact]
    public void FencingANodeWithoutADeviceOrTwiceAtOnceIsRefused()
    {
        var config = Config.Nodes("n1", "n2", "n3").NoFence("n3").Group("web", domain: ["n1", "n2"]).Build();
        var state = ClusterState.Initial(config);
        Assert.Equal("n3 has no fence device (set nodes[].fence in the configuration)", Coordinator.Refusal(config, state, new FenceNodeNow("n3")));
        Assert.Equal("no node named n9", Coordinator.Refusal(config, state, new FenceNodeNow("n9")));

        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]));
        d.Operator(new FenceNodeNow("n2"));
        var again = d.Operator(new FenceNodeNow("n2"));
        Assert.Empty(again.Decisions);
        Assert.Contains(again.Notices, n => n.Contains("fencing n2 is already in progress", StringComparison.Ordinal));
    }

    private static CoordinatorDriver Started(ConfigBuilder builder)
    {
        var d = new CoordinatorDriver(builder.Build());
        d.Start("n1", "n2", "n3");
        return d;
    }
}
