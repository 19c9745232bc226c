using Vigil.Core.Consensus;
using static Vigil.Core.Tests.Consensus.RaftFixtures;

namespace Vigil.Core.Tests.Consensus;

/// <summary>Restarting from <see cref="RaftRestore"/>: the vote, the log and the commit survive; committed entries are handed over again.</summary>
public sealed class RaftRestartTests
{
    [Fact]
    public void A_restarted_node_keeps_its_vote()
    {
        var node = NewNode("n1");
        node.Step(new VoteRequest("n2", "n1", 1, 0, 0));
        var ready = node.TakeReady();
        Assert.Equal(new HardState(1, "n2", 0), ready.HardState);

        var restarted = NewNode("n1", restore: new RaftRestore(ready.HardState!, null, []), seed: 2);
        restarted.Step(new VoteRequest("n3", "n1", 1, 0, 0));
        var other = Sent<VoteResponse>(restarted).Single();
        restarted.Step(new VoteRequest("n2", "n1", 1, 0, 0));
        var same = Sent<VoteResponse>(restarted).Single();

        Assert.False(other.Granted);
        Assert.True(same.Granted);
        Assert.Equal(1, restarted.Term);
    }

    [Fact]
    public void A_restarted_follower_keeps_its_log_and_hands_over_its_committed_entries_again()
    {
        var net = RaftTestNetwork.Of(3);
        var leader = net.ElectLeader();
        for (var i = 0; i < 5; i++) net.Propose(leader, $"e{i}");
        net.DeliverAll();
        var follower = net.Ids.First(i => i != leader);
        var (term, last, commit) = (net[follower].Term, net[follower].LastIndex, net[follower].CommitIndex);
        RaftReady? first = null;
        net.ReadyTaken += (id, ready) => first ??= id == follower ? ready : null;

        net.Restart(follower);

        var node = net[follower];
        Assert.Equal((term, last, commit), (node.Term, node.LastIndex, node.CommitIndex));
        Assert.Equal(RaftRole.Follower, node.Role);
        Assert.Null(node.Leader);
        Assert.NotNull(first);
        Assert.Equal(Enumerable.Range(1, (int)commit).Select(i => (long)i), first.Committed.Select(e => e.Index));
        Assert.Null(first.HardState);
        Assert.Empty(first.Entries);
        Assert.Equal(["", "e0", "e1", "e2", "e3", "e4"], Texts(net.Hosts[follower].Applied));
    }

    [Fact]
    public void A_whole_cluster_restarted_elects_a_leader_that_has_every_committed_entry()
    {
        var net = RaftTestNetwork.Of(3);
        var checker = new RaftSafetyChecker(net);
        var leader = net.ElectLeader();
        for (var i = 0; i < 5; i++) net.Propose(leader, $"e{i}");
        net.DeliverAll();
        net.Propose(leader, "uncommitted"); // reaches nobody
        net.Drop();

        foreach (var id in net.Ids.ToList()) net.Restart(id);
        var next = net.ElectLeader();
        net.Propose(next, "after");
        net.DeliverAll();

        Assert.Null(checker.Check());
        foreach (var id in net.Ids)
            Assert.Equal(["e0", "e1", "e2", "e3", "e4", "after"], Texts(net[id].Log.Entries).Where(t => t.StartsWith('e') || t == "after"));
    }

    [Fact]
    public void The_membership_restored_is_the_latest_in_the_log_else_the_snapshots_else_the_bootstrap()
    {
        var four = RaftMembership.Of(["n1", "n2", "n3", "n4"]);
        var two = RaftMembership.Of(["n1", "n2"]);

        var fromBootstrap = NewNode("n1", Three);
        var fromSnapshot = NewNode("n1", Three, new RaftRestore(new HardState(1, null, 2), new Snapshot(2, 1, two, []), [Entry(3, 1)]));
        var fromLog = NewNode("n1", Three, new RaftRestore(new HardState(1, null, 2), new Snapshot(2, 1, two, []), [Entry(3, 1, "m", four), Entry(4, 1)]));

        Assert.True(fromBootstrap.Membership.SameAs(Three));
        Assert.True(fromSnapshot.Membership.SameAs(two));
        Assert.True(fromLog.Membership.SameAs(four));
    }
}
