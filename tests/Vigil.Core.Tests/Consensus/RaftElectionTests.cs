using Vigil.Core.Consensus;
using static Vigil.Core.Tests.Consensus.RaftFixtures;

namespace Vigil.Core.Tests.Consensus;

/// <summary>Leader election: one leader, randomized timeouts, the vote rules, single-voter clusters, determinism.</summary>
public sealed class RaftElectionTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void A_single_leader_is_elected_and_followed_by_all(int count)
    {
        var net = RaftTestNetwork.Of(count);
        var leader = net.ElectLeader();
        var term = net[leader].Term;

        net.Run(50);

        Assert.Equal(RaftRole.Leader, net[leader].Role);
        Assert.Equal(term, net[leader].Term);
        foreach (var id in net.Ids.Where(i => i != leader))
        {
            Assert.Equal(RaftRole.Follower, net[id].Role);
            Assert.Equal(leader, net[id].Leader);
            Assert.Equal(term, net[id].Term);
        }
    }

    [Fact]
    public void A_single_voter_elects_itself_on_its_first_timeout()
    {
        var node = NewNode("n1", RaftMembership.Of(["n1"]));
        var ticks = 0;
        while (node.Role != RaftRole.Leader && ticks < 100)
        {
            node.Tick();
            ticks++;
        }

        Assert.InRange(ticks, 10, 19);
        Assert.Equal(1, node.Term);
        Assert.True(node.LeaderReady);
        var ready = node.TakeReady();
        Assert.Empty(ready.Messages);
        Assert.Equal(new HardState(1, "n1", 1), ready.HardState);
    }

    [Fact]
    public void Election_timeouts_are_drawn_from_E_to_2E_and_redrawn()
    {
        var options = new RaftOptions(ElectionTicks: 10);
        var node = NewNode("n1", options: options, seed: 7);
        var timeouts = new List<int>();
        for (var round = 0; round < 40; round++)
        {
            var ticks = 0;
            // A pre-candidate nobody answers times out again (a fresh draw each time).
            do
            {
                node.Tick();
                ticks++;
            } while (node.TakeReady().Messages.IsEmpty && ticks < 100);
            timeouts.Add(ticks);
        }

        Assert.All(timeouts, t => Assert.InRange(t, 10, 19));
        Assert.True(timeouts.Distinct().Count() > 3, $"timeouts are not randomized: {string.Join(",", timeouts)}");
        Assert.Equal(0, node.Term);
    }

    [Fact]
    public void A_vote_goes_to_at_most_one_candidate_per_term()
    {
        var node = NewNode("n1");

        node.Step(new VoteRequest("n2", "n1", 1, 0, 0));
        var first = Sent<VoteResponse>(node).Single();
        node.Step(new VoteRequest("n3", "n1", 1, 0, 0));
        var second = Sent<VoteResponse>(node).Single();
        node.Step(new VoteRequest("n2", "n1", 1, 0, 0));
        var again = Sent<VoteResponse>(node).Single();

        Assert.True(first.Granted);
        Assert.False(second.Granted);
        Assert.True(again.Granted); // a repeated request from the same candidate
    }

    [Fact]
    public void A_candidate_whose_log_is_behind_gets_no_vote()
    {
        var node = NewNode("n1", restore: new RaftRestore(new HardState(2, null, 0), null, [Entry(1, 1), Entry(2, 2)]));

        node.Step(new VoteRequest("n2", "n1", 3, 5, 1)); // longer log, older last term
        var olderTerm = Sent<VoteResponse>(node).Single();
        node.Step(new VoteRequest("n3", "n1", 4, 1, 2)); // same last term, shorter log
        var shorter = Sent<VoteResponse>(node).Single();
        node.Step(new VoteRequest("n3", "n1", 5, 2, 2)); // as up to date
        var upToDate = Sent<VoteResponse>(node).Single();

        Assert.False(olderTerm.Granted);
        Assert.False(shorter.Granted);
        Assert.True(upToDate.Granted);
        Assert.Equal(5, node.Term);
    }

    [Fact]
    public void The_unsafe_test_option_grants_votes_to_a_log_that_is_behind()
    {
        var options = new RaftOptions(UnsafeGrantVotesWithoutLogCheck: true);
        var node = NewNode("n1", options: options, restore: new RaftRestore(new HardState(2, null, 0), null, [Entry(1, 1), Entry(2, 2)]));

        node.Step(new VoteRequest("n2", "n1", 3, 0, 0));

        Assert.True(Sent<VoteResponse>(node).Single().Granted);
    }

    [Fact]
    public void Same_seed_and_inputs_give_the_same_outputs()
    {
        static List<string> Trace(int seed)
        {
            var net = RaftTestNetwork.Of(5, seed: seed);
            var trace = new List<string>();
            net.ReadyTaken += (id, ready) =>
                trace.AddRange(ready.Messages.Select(m => id + ":" + Convert.ToHexString(RaftCodec.Encode(m))));
            var leader = net.ElectLeader();
            net.Propose(leader, "a");
            net.Isolate(leader);
            net.Run(40);
            return trace;
        }

        Assert.Equal(Trace(3), Trace(3));
        Assert.NotEqual(Trace(3), Trace(4));
    }
}
