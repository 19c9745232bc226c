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

/// <summary>The lease runs from when the leader's renewal arrived, not from when the host got round to it.</summary>
public class LeaseArrivalTests
{
    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void A_renewal_handled_late_runs_from_its_arrival_and_an_older_one_never_moves_it_back()
    {
        var config = Config.Nodes("n1", "n2", "n3").Build();
        var state = ClusterStateReducer.ApplyAll(ClusterState.Initial(config), config.Nodes.Select(n => new NodeJoined(n.Name, "t", Incarnation: 1)));
        var controller = new Vigil.Core.Node.NodeController(config, "n1", incarnation: 1);
        controller.Step(Ms(0), new Vigil.Core.Node.NodeMembershipChanged(new MembershipView(1, new HashSet<string>(["n1", "n2", "n3"], StringComparer.Ordinal))));
        var dead = config.Cluster.Timing.DeadTime;

        controller.Step(Ms(1000), new Vigil.Core.Node.NodeStateCommitted(state, HeardAt: Ms(900)));
        Assert.NotEqual(Vigil.Core.Quorum.QuorumStatus.NoQuorum, controller.QuorumAt(Ms(900) + dead));
        Assert.Equal(Vigil.Core.Quorum.QuorumStatus.NoQuorum, controller.QuorumAt(Ms(901) + dead)); // not 1000 + dead

        controller.Step(Ms(1010), new Vigil.Core.Node.NodeStateCommitted(state, HeardAt: Ms(500)));
        Assert.NotEqual(Vigil.Core.Quorum.QuorumStatus.NoQuorum, controller.QuorumAt(Ms(900) + dead));
    }
}
