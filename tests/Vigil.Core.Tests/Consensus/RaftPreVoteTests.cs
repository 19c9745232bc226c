using Vigil.Core.Consensus;
using static Vigil.Core.Tests.Consensus.RaftFixtures;

namespace Vigil.Core.Tests.Consensus;

/// <summary>Pre-vote (thesis §9.6): campaigning without disturbing terms until a quorum would vote.</summary>
public sealed class RaftPreVoteTests
{
    [Fact]
    public void An_isolated_node_rejoining_neither_bumps_the_term_nor_deposes_the_leader()
    {
        var net = RaftTestNetwork.Of(3);
        var leader = net.ElectLeader();
        var term = net[leader].Term;
        var isolated = net.Ids.First(i => i != leader);

        net.Isolate(isolated);
        net.Run(100); // many election timeouts: pre-votes only
        Assert.Equal(term, net[isolated].Term);
        Assert.NotEqual(RaftRole.Leader, net[isolated].Role);

        net.Heal();
        net.Run(30);

        Assert.Equal(RaftRole.Leader, net[leader].Role);
        Assert.All(net.Nodes.Values, n => Assert.Equal(term, n.Term));
        Assert.Equal(leader, net[isolated].Leader);
    }

    [Fact]
    public void A_pre_vote_request_is_answered_without_changing_the_receivers_term()
    {
        var node = NewNode("n1", restore: new RaftRestore(new HardState(3, null, 0), null, []));

        node.Step(new PreVoteRequest("n2", "n1", 7, 0, 0));
        var response = Sent<PreVoteResponse>(node).Single();

        Assert.True(response.Granted);
        Assert.Equal(7, response.Term);
        Assert.Equal(3, node.Term);
        Assert.Null(node.TakeReady().HardState);
    }

    [Fact]
    public void A_pre_vote_is_refused_to_a_log_that_is_behind_and_to_a_term_not_above_the_receivers()
    {
        var node = NewNode("n1", restore: new RaftRestore(new HardState(3, null, 0), null, [Entry(1, 3)]));

        node.Step(new PreVoteRequest("n2", "n1", 4, 5, 2));
        var behind = Sent<PreVoteResponse>(node).Single();
        node.Step(new PreVoteRequest("n2", "n1", 3, 1, 3));
        var sameTerm = Sent<PreVoteResponse>(node).Single();

        Assert.Equal((false, 3L), (behind.Granted, behind.Term));
        Assert.Equal((false, 3L), (sameTerm.Granted, sameTerm.Term));
        Assert.Equal(3, node.Term);
    }

    [Fact]
    public void A_pre_candidate_keeps_its_term_until_a_quorum_grants_then_campaigns_in_the_next_term()
    {
        var node = NewNode("n1", restore: new RaftRestore(new HardState(4, null, 0), null, []));
        TickUntil(node, () => node.Role == RaftRole.PreCandidate);
        var requests = Sent<PreVoteRequest>(node);
        Assert.Equal(["n2", "n3"], requests.Select(r => r.To));
        Assert.All(requests, r => Assert.Equal(5, r.Term));
        Assert.Equal(4, node.Term);

        node.Step(new PreVoteResponse("n2", "n1", 5, true));
        var ready = node.TakeReady();

        Assert.Equal(RaftRole.Candidate, node.Role);
        Assert.Equal(5, node.Term);
        Assert.Equal(new HardState(5, "n1", 0), ready.HardState);
        Assert.Equal(["n2", "n3"], ready.Messages.OfType<VoteRequest>().Select(r => r.To));
    }

    [Fact]
    public void A_refused_pre_vote_from_a_later_term_brings_the_pre_candidate_to_that_term()
    {
        var node = NewNode("n1", restore: new RaftRestore(new HardState(4, null, 0), null, []));
        TickUntil(node, () => node.Role == RaftRole.PreCandidate);
        node.TakeReady();

        node.Step(new PreVoteResponse("n2", "n1", 9, false));

        Assert.Equal(RaftRole.Follower, node.Role);
        Assert.Equal(9, node.Term);
    }
}
