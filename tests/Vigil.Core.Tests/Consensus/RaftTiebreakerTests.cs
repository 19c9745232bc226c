using Vigil.Core.Consensus;

namespace Vigil.Core.Tests.Consensus;

/// <summary>The tiebreaker: exactly half the voters including it is a quorum, for elections and commits.</summary>
public sealed class RaftTiebreakerTests
{
    [Fact]
    public void With_two_voters_the_tiebreaker_alone_elects_itself_and_commits()
    {
        var net = RaftTestNetwork.Of(2, tiebreaker: "n1");
        net.Partition(["n1"], ["n2"]);

        net.Run(60);

        Assert.True(net["n1"].LeaderReady);
        var index = net.Propose("n1", "alone");
        Assert.Equal(index, net["n1"].CommitIndex);
        Assert.Equal("alone", RaftFixtures.Text(net.Hosts["n1"].Applied[^1]));
        Assert.NotEqual(RaftRole.Leader, net["n2"].Role);
        Assert.NotEqual(RaftRole.Candidate, net["n2"].Role); // its pre-votes never reach a quorum
        Assert.Equal(0, net["n2"].Term);
        Assert.Equal(0, net["n2"].CommitIndex);
    }

    [Fact]
    public void Without_the_tiebreaker_two_voters_need_each_other()
    {
        var net = RaftTestNetwork.Of(2);
        net.Partition(["n1"], ["n2"]);

        net.Run(60);

        Assert.All(net.Nodes.Values, n => Assert.NotEqual(RaftRole.Leader, n.Role));
    }

    [Fact]
    public void A_two_two_split_of_four_voters_elects_a_leader_only_on_the_tiebreakers_side()
    {
        var net = RaftTestNetwork.Of(4, tiebreaker: "n3");
        net.Partition(["n1", "n2"], ["n3", "n4"]);

        net.Run(60);

        Assert.All(new[] { "n1", "n2" }, id => Assert.NotEqual(RaftRole.Leader, net[id].Role));
        var leader = new[] { "n3", "n4" }.Single(id => net[id].LeaderReady);
        var index = net.Propose(leader, "half with the tiebreaker");
        net.DeliverAll();
        Assert.Equal(index, net["n3"].CommitIndex);
        Assert.Equal(index, net["n4"].CommitIndex);
        Assert.Equal(0, net["n1"].CommitIndex);
    }
}
