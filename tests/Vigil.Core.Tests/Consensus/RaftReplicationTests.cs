using Vigil.Core.Consensus;
using static Vigil.Core.Tests.Consensus.RaftFixtures;

namespace Vigil.Core.Tests.Consensus;

/// <summary>Log replication: the leader's no-op, proposals and commit propagation, catch-up, bounded appends, and the follower's log rules.</summary>
public sealed class RaftReplicationTests
{
    [Fact]
    public void A_new_leader_appends_a_no_op_of_its_term_and_commits_it_everywhere()
    {
        var net = RaftTestNetwork.Of(3);
        var leader = net.ElectLeader();
        var term = net[leader].Term;

        foreach (var id in net.Ids)
        {
            var noop = Assert.Single(net.Hosts[id].Applied);
            Assert.Equal((1L, term), (noop.Index, noop.Term));
            Assert.Empty(noop.Data);
            Assert.Equal(1, net[id].CommitIndex);
        }
        Assert.True(net[leader].LeaderReady);
    }

    [Fact]
    public void Followers_learn_a_commit_at_once_without_waiting_for_a_heartbeat()
    {
        var net = RaftTestNetwork.Of(3);
        var leader = net.ElectLeader();

        var index = net.Propose(leader, "a");
        net.DeliverAll(); // no tick: no heartbeat

        Assert.Equal(2, index);
        foreach (var id in net.Ids)
        {
            Assert.Equal(2, net[id].CommitIndex);
            Assert.Equal("a", Text(net.Hosts[id].Applied[^1]));
        }
    }

    [Fact]
    public void A_proposal_is_refused_by_a_follower()
    {
        var net = RaftTestNetwork.Of(3);
        var leader = net.ElectLeader();
        var follower = net.Ids.First(i => i != leader);

        Assert.Null(net.Propose(follower, "a"));
    }

    [Fact]
    public void A_lagging_follower_catches_up_in_bounded_appends()
    {
        var net = RaftTestNetwork.Of(3, new RaftOptions(MaxEntriesPerAppend: 4));
        var leader = net.ElectLeader();
        var lagging = net.Ids.First(i => i != leader);
        var largest = 0;
        net.ReadyTaken += (_, ready) =>
            largest = Math.Max(largest, ready.Messages.OfType<AppendRequest>().Select(a => a.Entries.Length).DefaultIfEmpty().Max());

        net.Isolate(lagging);
        for (var i = 0; i < 30; i++)
        {
            net.Propose(leader, $"e{i}");
            net.DeliverAll();
        }
        Assert.Equal(1, net[lagging].LastIndex);
        net.Heal();
        net.Run(12);

        Assert.Equal(net[leader].LastIndex, net[lagging].LastIndex);
        Assert.Equal(net[leader].CommitIndex, net[lagging].CommitIndex);
        Assert.Equal(Texts(net.Hosts[leader].Applied), Texts(net.Hosts[lagging].Applied));
        Assert.Equal(4, largest);
    }

    [Fact]
    public void An_append_carries_at_most_MaxBytesPerAppend_but_always_one_entry()
    {
        var leader = NewNode("n1", RaftMembership.Of(["n1", "n2"]), options: new RaftOptions(MaxBytesPerAppend: 10));
        ElectWithGrantedVotes(leader);
        leader.Step(new AppendResponse("n2", "n1", leader.Term, true, 1, 1));
        leader.TakeReady();

        leader.Propose(new byte[6]);
        leader.Propose(new byte[6]);
        leader.Propose(new byte[30]);
        leader.TakeReady();
        leader.Step(new AppendResponse("n2", "n1", leader.Term, false, 4, 1)); // rejected: back off to 2
        var appends = new List<AppendRequest>();
        for (var i = 0; i < 3; i++)
        {
            var append = Sent<AppendRequest>(leader).Single();
            appends.Add(append);
            leader.Step(new AppendResponse("n2", "n1", leader.Term, true, append.PrevIndex + append.Entries.Length, 0));
        }

        Assert.Equal([2L, 3L, 4L], appends.Select(a => a.Entries.Single().Index));
        Assert.Equal(30, appends[^1].Entries.Single().Data.Length);
    }

    [Fact]
    public void A_follower_rejects_an_append_whose_previous_entry_does_not_match_and_hints_its_last_index()
    {
        var node = NewNode("n2");
        node.Step(Append("n1", "n2", 1, 0, 0, 0, Entry(1, 1), Entry(2, 1)));
        node.TakeReady();

        node.Step(Append("n1", "n2", 1, 5, 1, 0, Entry(6, 1)));
        var gap = Sent<AppendResponse>(node).Single();
        node.Step(Append("n1", "n2", 2, 2, 2, 0, Entry(3, 2)));
        var wrongTerm = Sent<AppendResponse>(node).Single();

        Assert.Equal((false, 5L, 2L), (gap.Success, gap.MatchIndex, gap.HintIndex));
        Assert.Equal((false, 2L, 2L), (wrongTerm.Success, wrongTerm.MatchIndex, wrongTerm.HintIndex));
        Assert.Equal(2, node.LastIndex);
    }

    [Fact]
    public void A_follower_commits_only_up_to_the_last_entry_known_to_match()
    {
        var node = NewNode("n2");
        node.Step(Append("n1", "n2", 1, 0, 0, 0, Entry(1, 1), Entry(2, 1), Entry(3, 1)));
        node.TakeReady();

        node.Step(Append("n1", "n2", 1, 1, 1, 9, Entry(2, 1))); // the leader committed 9; this append vouches for 2
        var ready = node.TakeReady();

        Assert.Equal(2, node.CommitIndex);
        Assert.Equal([1L, 2L], ready.Committed.Select(e => e.Index));
        Assert.Equal(new HardState(1, null, 2), ready.HardState);
    }

    [Fact]
    public void Old_or_duplicated_appends_never_truncate_newer_matching_entries()
    {
        var node = NewNode("n2");
        node.Step(Append("n1", "n2", 1, 0, 0, 0, Entry(1, 1, "a"), Entry(2, 1, "b"), Entry(3, 1, "c")));
        node.TakeReady();

        node.Step(Append("n1", "n2", 1, 0, 0, 0, Entry(1, 1, "a"))); // an older append, delivered late
        var ready = node.TakeReady();

        Assert.Equal(3, node.LastIndex);
        Assert.Empty(ready.Entries);
        Assert.Equal(1, ready.Messages.OfType<AppendResponse>().Single().MatchIndex);
    }

    [Fact]
    public void A_conflicting_suffix_is_replaced_from_the_first_conflicting_entry()
    {
        var node = NewNode("n2");
        node.Step(Append("n1", "n2", 1, 0, 0, 1, Entry(1, 1, "a"), Entry(2, 1, "b"), Entry(3, 1, "c")));
        node.TakeReady();

        node.Step(Append("n3", "n2", 2, 1, 1, 1, Entry(2, 1, "b"), Entry(3, 2, "C"), Entry(4, 2, "D")));
        var ready = node.TakeReady();

        Assert.Equal(["C", "D"], Texts(ready.Entries)); // the host truncates from 3
        Assert.Equal(["a", "b", "C", "D"], Texts(node.Log.Entries));
    }

    [Fact]
    public void Conflicting_uncommitted_entries_of_a_deposed_leader_are_replaced()
    {
        var net = RaftTestNetwork.Of(3);
        var old = net.ElectLeader();
        net.Isolate(old);
        net.Propose(old, "lost-1");
        net.Propose(old, "lost-2");
        Assert.Equal(3, net[old].LastIndex);
        Assert.Equal(1, net[old].CommitIndex);

        var rest = net.Ids.Where(i => i != old).ToArray();
        net.Partition(rest, [old]);
        var newLeader = "";
        for (var round = 0; round < 100 && newLeader == ""; round++)
        {
            net.Run(1);
            newLeader = rest.FirstOrDefault(i => net[i].LeaderReady) ?? "";
        }
        net.Propose(newLeader, "kept");
        net.DeliverAll();
        net.Heal();
        net.Run(30);

        Assert.Equal(RaftRole.Follower, net[old].Role);
        Assert.Equal(Texts(net[newLeader].Log.Entries), Texts(net[old].Log.Entries));
        Assert.DoesNotContain("lost-1", Texts(net.Hosts[old].Entries));
        Assert.Contains("kept", Texts(net.Hosts[old].Applied));
    }
}
