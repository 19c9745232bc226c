using Vigil.Core.Quorum;
using static Vigil.Core.Quorum.QuorumStatus;

namespace Vigil.Core.Tests.Engine;

/// <summary>FailSafe's quorum rule as a table: nodes, tiebreaker, who is in the partition, who was fenced.</summary>
public class QuorumRuleTests
{
    [Theory]
    // majority of the voters in the partition
    [InlineData("n1 n2 n3", null, "n1 n2 n3", "", Quorate)]
    [InlineData("n1 n2 n3", null, "n1 n2", "", Quorate)]
    [InlineData("n1 n2 n3", null, "n1", "", NoQuorum)]
    [InlineData("n1 n2 n3 n4 n5", null, "n3 n4 n5", "", Quorate)]
    [InlineData("n1 n2 n3 n4 n5", null, "n4 n5", "", NoQuorum)]
    // FailSafe's pool example: 4 nodes, 3 up is quorate
    [InlineData("n1 n2 n3 n4", null, "n1 n2 n3", "", Quorate)]
    // exact half: the side holding the tiebreaker may fence, the other side has nothing
    [InlineData("n1 n2 n3 n4", "n1", "n1 n2", "", TiebreakerMayFence)]
    [InlineData("n1 n2 n3 n4", "n1", "n3 n4", "", NoQuorum)]
    [InlineData("n1 n2 n3 n4", null, "n1 n2", "", NoQuorum)]
    [InlineData("n1 n2", "n1", "n1", "", TiebreakerMayFence)]
    [InlineData("n1 n2", "n1", "n2", "", NoQuorum)]
    [InlineData("n1 n2", null, "n1", "", NoQuorum)]
    // fenced nodes are in a known state: they count (pool example: 2 of 4 up + 1 fenced is quorate)
    [InlineData("n1 n2 n3 n4", null, "n1 n2", "n3", Quorate)]
    [InlineData("n1 n2 n3 n4", "n1", "n1 n2", "n3", Quorate)]
    [InlineData("n1 n2 n3", null, "n1", "n2", Quorate)]
    [InlineData("n1 n2 n3 n4 n5", null, "n1", "n2", NoQuorum)]
    // a node both up and fenced counts once
    [InlineData("n1 n2 n3 n4", null, "n1 n2", "n2", NoQuorum)]
    public void Evaluate(string nodes, string? tiebreaker, string members, string fenced, QuorumStatus expected)
    {
        var builder = Config.Nodes(Split(nodes));
        if (tiebreaker is not null)
            builder.Tiebreaker(tiebreaker);
        var config = builder.Build();
        Assert.Equal(expected, QuorumRule.Evaluate(config, Split(members).ToHashSet(StringComparer.Ordinal), Split(fenced)));
    }

    /// <summary>A witness votes: two servers and a witness survive one dead server.</summary>
    [Theory]
    [InlineData("s1 w", Quorate)]
    [InlineData("s2 w", Quorate)]
    [InlineData("s1 s2", Quorate)]
    [InlineData("s1", NoQuorum)]
    [InlineData("w", NoQuorum)]
    public void WitnessCountsAsAVoter(string members, QuorumStatus expected)
    {
        var config = Config.Nodes("s1", "s2").Witness("w").Build();
        Assert.Equal(expected, QuorumRule.Evaluate(config, Split(members).ToHashSet(StringComparer.Ordinal), []));
    }

    [Fact]
    public void DescribeCountsKnownVoters()
    {
        var config = Config.Nodes("n1", "n2", "n3", "n4").Build();
        Assert.Equal("3 of 4 voters in a known state",
            QuorumRule.Describe(config, new HashSet<string>(["n1", "n2"], StringComparer.Ordinal), ["n4"]));
    }

    private static string[] Split(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
