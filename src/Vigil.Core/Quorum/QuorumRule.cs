using Vigil.Core.Configuration;

namespace Vigil.Core.Quorum;

/// <summary>What a partition may do.</summary>
public enum QuorumStatus
{
    /// <summary>Less than half the voters are in a known state: start nothing, fence nothing.</summary>
    NoQuorum,
    /// <summary>An exact 50/50 split and this side holds the tiebreaker: it may fence the other side, nothing more yet.</summary>
    TiebreakerMayFence,
    /// <summary>More than half of the voters are in a known state: may start, keep and fence.</summary>
    Quorate,
}

/// <summary>
/// FailSafe's quorum rule as a pure function. A voter is in a known state when it communicates with this
/// partition or was fenced successfully. More than half known: quorate. Exactly half known and the tiebreaker
/// communicates with this partition: it may fence the unknown half, after which those count as known.
/// </summary>
public static class QuorumRule
{
    public static QuorumStatus Evaluate(ClusterConfig config, IReadOnlySet<string> members, IEnumerable<string> fencedNodes)
    {
        var voters = config.Nodes.Count;
        var known = KnownVoters(config, members, fencedNodes);
        Invariant.Check(known <= voters, "known voters cannot exceed voters");
        if (2 * known > voters)
            return QuorumStatus.Quorate;
        var tiebreaker = config.Cluster.Tiebreaker;
        if (2 * known == voters && tiebreaker is not null && members.Contains(tiebreaker))
            return QuorumStatus.TiebreakerMayFence;
        return QuorumStatus.NoQuorum;
    }

    public static string Describe(ClusterConfig config, IReadOnlySet<string> members, IEnumerable<string> fencedNodes) =>
        $"{KnownVoters(config, members, fencedNodes)} of {config.Nodes.Count} voters in a known state";

    /// <summary>Voters communicating with this partition or fenced successfully.</summary>
    /// <remarks>
    /// Evaluated several times per heartbeat on every node, so it avoids LINQ: the fenced nodes are gathered only
    /// when a voter is not a member (never on a healthy cluster).
    /// </remarks>
    private static int KnownVoters(ClusterConfig config, IReadOnlySet<string> members, IEnumerable<string> fencedNodes)
    {
        HashSet<string>? fenced = null;
        var known = 0;
        for (var i = 0; i < config.Nodes.Count; i++) // an index loop: no enumerator allocated
        {
            var node = config.Nodes[i];
            if (members.Contains(node.Name))
            {
                known++;
                continue;
            }
            fenced ??= new HashSet<string>(fencedNodes, StringComparer.Ordinal);
            if (fenced.Contains(node.Name))
                known++;
        }
        return known;
    }
}
