using Vigil.Core.Consensus;

namespace Vigil.Core.Tests.Consensus;

/// <summary>Back-pressure: a leader refuses proposals beyond MaxUncommittedEntries until some commit.</summary>
public sealed class RaftBackPressureTests
{
    [Fact]
    public void Proposals_beyond_MaxUncommittedEntries_are_refused_until_entries_commit()
    {
        var net = RaftTestNetwork.Of(3, new RaftOptions(MaxUncommittedEntries: 5));
        var leader = net.ElectLeader();
        net.Isolate(leader);

        var accepted = Enumerable.Range(0, 5).Select(i => net.Propose(leader, $"e{i}")).ToList();
        var refused = net.Propose(leader, "one too many");
        Assert.All(accepted, a => Assert.NotNull(a));
        Assert.Null(refused);
        Assert.Null(net[leader].ProposeMembership(RaftMembership.Of(["n1", "n2", "n3", "n4"]), []));

        net.Heal();
        net.TickAll();
        net.DeliverAll();

        Assert.Equal(6, net[leader].CommitIndex);
        Assert.Equal(7, net.Propose(leader, "room again"));
    }
}
