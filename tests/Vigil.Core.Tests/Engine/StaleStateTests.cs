using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Core.Decisions;

namespace Vigil.Core.Tests.Engine;

/// <summary>
/// Rules found by the simulator on real Raft: an old "stopped" report never confirms a later release, and a node
/// starts nothing unless the committed state counts it up in this incarnation.
/// </summary>
public class StaleStateTests
{
    [Fact]
    public void A_stopped_report_sent_before_the_release_does_not_free_the_group()
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build());
        d.Start("n1", "n2", "n3");
        var generation = d.Group("web").Generation;
        var before = d.State.Version;
        d.Operator(new MoveGroup("web", "n2"));
        Assert.True(d.Group("web").ReleasedAt > before);
        // n1 had stopped web on its own (it lost its lease for a moment) and said so at state version 'before';
        // that report arrives only now. n1 may have restarted web since: it must not count.
        var batch = d.ReportAsOf("n1", before, new GroupReport("web", generation, GroupPhase.Stopped, 0, null));
        Assert.DoesNotContain(batch.Decisions, x => x is GroupStopped);
        Assert.Equal("n1", d.Owner("web"));
        // A report from after the release confirms it.
        Assert.Contains(d.ReportStopped("n1", "web").Decisions, x => x is GroupStopped);
    }

    [Fact]
    public void A_node_the_state_counts_failed_starts_nothing_it_owns()
    {
        var d = new NodeDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build());
        d.Commit(new NodeFailed("n1", "silent"), new GroupAssigned("web", "n1", 1, false, "t"));
        Assert.Empty(d.Actions);
    }

    [Theory]
    [InlineData(0, false)] // joined in an earlier life (the node rebooted since): it must join again first
    [InlineData(1, true)]  // joined in this life
    public void A_node_starts_only_what_it_owns_in_the_incarnation_that_joined(long joinedIncarnation, bool starts)
    {
        var d = new NodeDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build());
        d.Commit(new NodeJoined("n1", "t", joinedIncarnation), new GroupAssigned("web", "n1", 1, false, "t"));
        Assert.Equal(starts, d.Actions.Count > 0);
    }

    [Fact]
    public void The_coordinator_records_a_restarted_agent_joining_again()
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build());
        d.Start("n1", "n2", "n3");
        var restarted = new NodeReport("n2", 7, 1, d.State.Version, [], []);
        var batch = d.Raw(new ReportReceived(restarted));
        var joined = Assert.Single(batch.Of<NodeJoined>());
        Assert.Equal(("n2", 7L), (joined.Node, joined.Incarnation));
        Assert.Equal(7, d.State.Nodes["n2"].Incarnation);
    }
}
