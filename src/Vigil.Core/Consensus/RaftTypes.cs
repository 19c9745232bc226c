using System.Collections.Immutable;

namespace Vigil.Core.Consensus;

/// <summary>
/// Who votes, and what counts as a quorum. A set is a quorum when it holds a strict majority of the voters, or
/// exactly half of them including the <see cref="Tiebreaker"/> (FailSafe's tiebreaker, as a weighted vote: two
/// such sets always intersect, so Raft's safety argument is unchanged).
/// </summary>
public sealed record RaftMembership(ImmutableSortedSet<string> Voters, string? Tiebreaker)
{
    public static RaftMembership Of(IEnumerable<string> voters, string? tiebreaker = null) =>
        new(voters.ToImmutableSortedSet(StringComparer.Ordinal), tiebreaker);

    public bool IsVoter(string node) => Voters.Contains(node);

    /// <summary>Whether the voters among <paramref name="nodes"/> form a quorum.</summary>
    public bool IsQuorum(IEnumerable<string> nodes)
    {
        var count = 0;
        var tiebreakerIn = false;
        foreach (var node in nodes.Distinct(StringComparer.Ordinal))
        {
            if (!Voters.Contains(node)) continue;
            count++;
            tiebreakerIn |= node == Tiebreaker;
        }
        return IsQuorumOf(count, tiebreakerIn);
    }

    /// <summary>
    /// Whether the voters for which <paramref name="counts"/> holds form a quorum: the same rule as
    /// <see cref="IsQuorum"/>, walking the (distinct) voters instead of a set built for it.
    /// </summary>
    public bool IsQuorumWhere(Func<string, bool> counts)
    {
        var count = 0;
        var tiebreakerIn = false;
        foreach (var voter in Voters)
        {
            if (!counts(voter)) continue;
            count++;
            tiebreakerIn |= voter == Tiebreaker;
        }
        return IsQuorumOf(count, tiebreakerIn);
    }

    /// <summary>Whether <paramref name="voters"/> distinct voters form a quorum, <paramref name="tiebreakerIn"/> when the tiebreaker is one of them.</summary>
    public bool IsQuorumOf(int voters, bool tiebreakerIn) =>
        2 * voters > Voters.Count || (2 * voters == Voters.Count && tiebreakerIn && Voters.Contains(Tiebreaker!));

    public override string ToString() =>
        $"[{string.Join(",", Voters)}]{(Tiebreaker is null ? "" : " tiebreaker " + Tiebreaker)}";

    public bool SameAs(RaftMembership other) => Voters.SetEquals(other.Voters) && Tiebreaker == other.Tiebreaker;
}

/// <summary>
/// One entry of the replicated log. <see cref="Data"/> is the application's payload (never changed after
/// creation). An entry with <see cref="Membership"/> set is also a membership change: it takes effect as soon as
/// it is in a node's log (Raft's single-server change), committed or not.
/// </summary>
public sealed record LogEntry(long Index, long Term, byte[] Data, RaftMembership? Membership = null);

/// <summary>What must be on stable storage before any message of the same Ready is sent.</summary>
public sealed record HardState(long Term, string? VotedFor, long Commit)
{
    public static readonly HardState Empty = new(0, null, 0);
}

/// <summary>The application state as of <see cref="Index"/> (inclusive), replacing the log up to there.</summary>
public sealed record Snapshot(long Index, long Term, RaftMembership Membership, byte[] Data);

public enum RaftRole { Follower, PreCandidate, Candidate, Leader }

/// <summary>
/// Everything a node recovered from its storage at start: hard state, latest snapshot (if any) and the log
/// entries after it, in order.
/// </summary>
public sealed record RaftRestore(HardState HardState, Snapshot? Snapshot, IReadOnlyList<LogEntry> Entries)
{
    public static readonly RaftRestore Empty = new(HardState.Empty, null, []);
}

/// <summary>Timing and limits, in ticks (the host calls Tick at a fixed interval).</summary>
/// <param name="ElectionTicks">A follower that hears no leader for a random time in [E, E + spread) ticks starts a pre-vote. A leader
/// that heard from no quorum within E ticks steps down (check-quorum).</param>
/// <param name="HeartbeatTicks">The leader sends an append (maybe empty) to every follower every this many ticks.</param>
/// <param name="MaxEntriesPerAppend">Bounds one append message.</param>
/// <param name="MaxBytesPerAppend">Bounds one append message's payload bytes (at least one entry is always sent).</param>
/// <param name="MaxUncommittedEntries">Proposals beyond this many uncommitted entries are refused (back-pressure).</param>
/// <param name="ElectionSpreadTicks">The random part of the election timeout: [E, E + spread) ticks. Default E (Raft's [E, 2E));
/// a smaller spread elects faster, a larger one splits votes less often.</param>
/// <param name="UnsafeGrantVotesWithoutLogCheck">TEST ONLY: a deliberately broken Raft that grants votes without the
/// up-to-date log check. The simulator must catch it losing committed entries.</param>
public sealed record RaftOptions(
    int ElectionTicks = 10,
    int HeartbeatTicks = 1,
    int MaxEntriesPerAppend = 64,
    int MaxBytesPerAppend = 32 * 1024,
    int MaxUncommittedEntries = 1024,
    bool UnsafeGrantVotesWithoutLogCheck = false,
    int? ElectionSpreadTicks = null);
