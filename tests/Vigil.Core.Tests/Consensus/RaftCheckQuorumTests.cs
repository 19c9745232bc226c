using Vigil.Core.Consensus;

namespace Vigil.Core.Tests.Consensus;

/// <summary>Check-quorum (a leader cut from a quorum steps down) and leader stickiness (no votes while a leader is live).</summary>
public sealed class RaftCheckQuorumTests
{
    private const int E = 10;

    [Fact]
    public void A_partitioned_leader_steps_down_after_ElectionTicks_without_a_quorum()
    {
        var net = RaftTestNetwork.Of(3, new RaftOptions(ElectionTicks: E));
        var leader = net.ElectLeader();
        Assert.True(net[leader].HasQuorumContact);

        net.Isolate(leader);
        for (var i = 0; i < E - 1; i++) net.Tick(leader);
        Assert.Equal(RaftRole.Leader, net[leader].Role);
        Assert.True(net[leader].HasQuorumContact); // heard from both followers E - 1 ticks ago
        net.Tick(leader);

        Assert.Equal(RaftRole.Follower, net[leader].Role);
        Assert.Null(net[leader].Leader);
        Assert.False(net[leader].HasQuorumContact);
    }

    [Fact]
    public void The_majority_side_elects_a_new_leader_and_the_old_one_follows_it_after_healing()
    {
        var net = RaftTestNetwork.Of(5, new RaftOptions(ElectionTicks: E));
        var old = net.ElectLeader();
        var rest = net.Ids.Where(i => i != old).ToArray();

        net.Partition([old], rest);
        net.Run(4 * E);
        var leader = rest.Single(i => net[i].LeaderReady);
        Assert.NotEqual(RaftRole.Leader, net[old].Role);

        net.Heal();
        net.Run(5);
        Assert.Equal(leader, net[old].Leader);
    }

    [Fact]
    public void A_leader_in_contact_with_a_quorum_stays_leader()
    {
        var net = RaftTestNetwork.Of(5, new RaftOptions(ElectionTicks: E));
        var leader = net.ElectLeader();
        var term = net[leader].Term;
        var others = net.Ids.Where(i => i != leader).ToArray();
        net.Partition([leader, others[0], others[1]], [others[2], others[3]]); // still a quorum of 3

        net.Run(10 * E);

        Assert.Equal(RaftRole.Leader, net[leader].Role);
        Assert.Equal(term, net[leader].Term);
        Assert.True(net[leader].HasQuorumContact);
    }

    [Fact]
    public void Vote_and_pre_vote_requests_are_ignored_while_the_leader_is_live()
    {
        var net = RaftTestNetwork.Of(3, new RaftOptions(ElectionTicks: E));
        var leader = net.ElectLeader();
        var term = net[leader].Term;
        var (follower, other) = (net.Ids.First(i => i != leader), net.Ids.Last(i => i != leader));
        var node = net[follower];
        Assert.Equal(0, node.TicksSinceLeaderContact);

        net.Deliver(new VoteRequest(other, follower, term + 5, 100, term));
        net.Deliver(new PreVoteRequest(other, follower, term + 5, 100, term));

        Assert.Equal(term, node.Term);
        Assert.Empty(net.InFlight);

        // Once nothing was heard from the leader for ElectionTicks, the same request wins its vote.
        net.Isolate(follower);
        for (var i = 0; i < E; i++) net.Tick(follower);
        Assert.True(node.TicksSinceLeaderContact >= E);
        net.Drop();
        net.Heal();
        net.Deliver(new VoteRequest(other, follower, term + 5, 100, term));

        Assert.Equal(term + 5, node.Term);
        Assert.True(net.InFlight.OfType<VoteResponse>().Single().Granted);
    }

    [Fact]
    public void A_live_leader_ignores_a_vote_request_from_a_later_term()
    {
        var net = RaftTestNetwork.Of(3, new RaftOptions(ElectionTicks: E));
        var leader = net.ElectLeader();
        var term = net[leader].Term;
        var other = net.Ids.First(i => i != leader);

        net.Deliver(new VoteRequest(other, leader, term + 1, 100, term));

        Assert.Equal(RaftRole.Leader, net[leader].Role);
        Assert.Equal(term, net[leader].Term);
    }

    [Fact]
    public void A_stale_leader_steps_down_when_a_follower_answers_its_append_with_a_later_term()
    {
        var net = RaftTestNetwork.Of(3, new RaftOptions(ElectionTicks: E));
        var old = net.ElectLeader();
        var term = net[old].Term;
        var rest = net.Ids.Where(i => i != old).ToArray();
        net.Partition([old], rest);
        net.ExpireLeases(rest);
        net.Campaign(rest[0]);
        net.Heal();

        net.Tick(old); // still leading in its eyes: a heartbeat of the old term
        var heartbeats = net.InFlight.OfType<AppendRequest>().Where(a => a.From == old).ToList();
        net.DeliverAll();

        Assert.All(heartbeats, h => Assert.Equal(term, h.Term));
        Assert.Equal(RaftRole.Follower, net[old].Role);
        Assert.Equal(net[rest[0]].Term, net[old].Term);
        Assert.Equal(RaftRole.Leader, net[rest[0]].Role);
    }

    [Fact]
    public void Ticks_since_leader_contact_count_up_and_reset_on_the_leaders_messages()
    {
        var net = RaftTestNetwork.Of(3, new RaftOptions(ElectionTicks: E, HeartbeatTicks: 3));
        var leader = net.ElectLeader();
        var follower = net.Ids.First(i => i != leader);
        Assert.Equal(0, net[leader].TicksSinceLeaderContact);

        net.Tick(follower);
        net.Tick(follower);
        Assert.Equal(2, net[follower].TicksSinceLeaderContact);
        net.TickAll(3);
        net.DeliverAll();
        Assert.Equal(0, net[follower].TicksSinceLeaderContact);

        var fresh = RaftFixtures.NewNode("n1");
        Assert.Equal(int.MaxValue, fresh.TicksSinceLeaderContact);
        Assert.False(fresh.HasQuorumContact);
    }
}
