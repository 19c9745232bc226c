using Vigil.Core.Consensus;
using static Vigil.Core.Tests.Consensus.RaftFixtures;

namespace Vigil.Core.Tests.Consensus;

/// <summary>Log compaction and snapshots: Compact, sending a snapshot to a follower behind it, installing it.</summary>
public sealed class RaftSnapshotTests
{
    [Fact]
    public void A_follower_behind_the_leaders_compacted_log_gets_the_snapshot_installed()
    {
        var net = RaftTestNetwork.Of(3, new RaftOptions(MaxEntriesPerAppend: 4));
        var checker = new RaftSafetyChecker(net);
        var leader = net.ElectLeader();
        var lagging = net.Ids.First(i => i != leader);
        var snapshotsSent = 0;
        var installed = new List<Snapshot>();
        net.ReadyTaken += (id, ready) =>
        {
            snapshotsSent += ready.Messages.OfType<SnapshotRequest>().Count();
            if (id == lagging && ready.Snapshot is { } s) installed.Add(s);
        };

        net.Isolate(lagging);
        for (var i = 0; i < 20; i++)
        {
            net.Propose(leader, $"e{i}");
            net.DeliverAll();
        }
        net.Compact(leader);
        Assert.Equal(21, net[leader].LatestSnapshot!.Index);
        Assert.Empty(net[leader].Log.Entries);
        Assert.Equal(0, snapshotsSent);

        net.Heal();
        net.Run(3);
        net.Propose(leader, "after");
        net.DeliverAll();

        var snapshot = Assert.Single(installed);
        Assert.Equal(21, snapshot.Index);
        Assert.Equal(1, snapshotsSent);
        Assert.Equal(22, net[lagging].CommitIndex);
        Assert.Equal(snapshot, net[lagging].LatestSnapshot);
        var host = net.Hosts[lagging];
        Assert.Equal(["after"], Texts(host.Applied)); // nothing at or below the snapshot is handed over
        Assert.Equal(net.Hosts[leader].StateHash, host.StateHash);
        Assert.Equal(21, host.Snapshot!.Index);
        Assert.Null(checker.Check());
    }

    [Fact]
    public void Compact_keeps_the_term_and_membership_as_of_the_index_and_drops_the_entries_up_to_it()
    {
        var net = RaftTestNetwork.Of(3);
        var leader = net.ElectLeader();
        net.Propose(leader, "a");
        net.Propose(leader, "b");
        net.DeliverAll();

        net[leader].Compact(2, [42]);

        var snapshot = net[leader].LatestSnapshot!;
        Assert.Equal((2L, net[leader].Term), (snapshot.Index, snapshot.Term));
        Assert.True(snapshot.Membership.SameAs(net.Bootstrap));
        Assert.Equal([42], snapshot.Data);
        Assert.Equal(["b"], Texts(net[leader].Log.Entries));
        Assert.False(net[leader].HasReady); // the host persists its own snapshot
    }

    [Fact]
    public void Compact_refuses_an_index_not_yet_handed_over_as_committed()
    {
        var node = NewNode("n1", RaftMembership.Of(["n1"]));
        TickUntil(node, () => node.LeaderReady);
        node.Propose([1]);

        Assert.Throws<ArgumentOutOfRangeException>(() => node.Compact(2, []));
        node.TakeReady();
        node.Compact(2, []);
        Assert.Equal(2, node.LatestSnapshot!.Index);
    }

    [Fact]
    public void A_snapshot_at_or_below_the_commit_index_is_ignored_but_answered()
    {
        var node = NewNode("n2");
        node.Step(Append("n1", "n2", 1, 0, 0, 3, Entry(1, 1), Entry(2, 1), Entry(3, 1), Entry(4, 1)));
        node.TakeReady();

        node.Step(new SnapshotRequest("n1", "n2", 1, new Snapshot(2, 1, Three, [])));
        var ready = node.TakeReady();

        Assert.Null(ready.Snapshot);
        Assert.Equal(4, node.LastIndex);
        var answer = ready.Messages.OfType<AppendResponse>().Single();
        Assert.Equal((true, 3L), (answer.Success, answer.MatchIndex));
    }

    [Fact]
    public void Installing_keeps_the_entries_after_the_snapshot_only_when_its_index_and_term_match()
    {
        var matching = NewNode("n2");
        matching.Step(Append("n1", "n2", 1, 0, 0, 0, Entry(1, 1), Entry(2, 1), Entry(3, 1), Entry(4, 1)));
        matching.TakeReady();
        var conflicting = NewNode("n3");
        conflicting.Step(Append("n1", "n3", 1, 0, 0, 0, Entry(1, 1), Entry(2, 1), Entry(3, 1), Entry(4, 1)));
        conflicting.TakeReady();
        var four = RaftMembership.Of(["n1", "n2", "n3", "n4"]);

        matching.Step(new SnapshotRequest("n1", "n2", 2, new Snapshot(3, 1, four, [7])));
        conflicting.Step(new SnapshotRequest("n5", "n3", 2, new Snapshot(3, 2, four, [7])));
        var ready = matching.TakeReady();

        Assert.Equal(3, ready.Snapshot!.Index);
        Assert.Empty(ready.Committed);
        Assert.Equal(new HardState(2, null, 3), ready.HardState);
        Assert.Equal((true, 3L), (ready.Messages.OfType<AppendResponse>().Single().Success, ready.Messages.OfType<AppendResponse>().Single().MatchIndex));
        Assert.Equal([4L], matching.Log.Entries.Select(e => e.Index));
        Assert.Equal(4, matching.LastIndex);
        Assert.Empty(conflicting.Log.Entries);
        Assert.Equal(3, conflicting.LastIndex);
        Assert.True(matching.Membership.SameAs(four));
        Assert.Equal(3, conflicting.CommitIndex);
    }

    [Fact]
    public void A_node_restarted_from_a_snapshot_hands_over_only_the_entries_after_it()
    {
        var restore = new RaftRestore(new HardState(2, null, 5), new Snapshot(3, 1, Three, []), [Entry(4, 2, "d"), Entry(5, 2, "e"), Entry(6, 2, "f")]);
        var node = NewNode("n1", restore: restore);

        var ready = node.TakeReady();

        Assert.Equal(["d", "e"], Texts(ready.Committed));
        Assert.Null(ready.HardState);
        Assert.Empty(ready.Entries);
        Assert.Equal(3, node.LatestSnapshot!.Index);
        Assert.Equal(6, node.LastIndex);
    }
}
