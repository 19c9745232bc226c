namespace Vigil.Core.Consensus;

/// <summary>
/// Which membership changes may be made in one step. Raft's single-server change is safe because every quorum of
/// the old membership intersects every quorum of the new one. A tiebreaker lets exactly half the voters (with it)
/// be a quorum, which breaks that for some one-voter changes: with voters {a,b} and tiebreaker a, {a} is a
/// quorum, and after adding c, {b,c} is one — disjoint. So a step must leave the quorums of both sides
/// intersecting:
/// <list type="bullet">
/// <item>one voter added or removed, and the side with an even number of voters has no tiebreaker (among its
/// voters) — an odd-sized side never uses its tiebreaker;</item>
/// <item>or the voters unchanged and only the tiebreaker changed, unless both sides have an effective one
/// (an even number of voters and a tiebreaker among them): moving a tiebreaker goes through "none".</item>
/// </list>
/// </summary>
public static class MembershipChange
{
    public static bool IsSafe(RaftMembership current, RaftMembership next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        if (next.Voters.IsEmpty) return false;
        var changedVoters = current.Voters.SymmetricExcept(next.Voters).Count;
        var (from, to) = (EffectiveTiebreaker(current), EffectiveTiebreaker(next));
        return changedVoters switch
        {
            0 => current.Tiebreaker != next.Tiebreaker && (from is null || to is null),
            1 => from is null && to is null,
            _ => false,
        };
    }

    /// <summary>Why <paramref name="next"/> cannot follow <paramref name="current"/> in one step, and what to do instead; null when it can.</summary>
    public static string? WhyUnsafe(RaftMembership current, RaftMembership next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        if (IsSafe(current, next)) return null;
        if (next.Voters.IsEmpty) return "the new configuration has no voters";
        var changedVoters = current.Voters.SymmetricExcept(next.Voters).Count;
        if (changedVoters > 1) return $"{changedVoters} voters change at once; add or remove one node per configuration version";
        var (from, to) = (EffectiveTiebreaker(current), EffectiveTiebreaker(next));
        if (changedVoters == 0)
            return $"the tiebreaker moves from {from} to {to} in one step; apply a version without a tiebreaker first, then one with {to}";
        var evenSide = from is not null ? current : next;
        var tiebreaker = from ?? to;
        var why = $"with {evenSide.Voters.Count} voters the tiebreaker {tiebreaker} decides a 50/50 split, so changing the voters in the same step " +
            "could let two disjoint majorities exist";
        return evenSide.Voters.Count == 2
            ? why + "; a two-voter cluster always has a tiebreaker, so Vigil cannot grow or shrink it while it runs yet (a known limitation)"
            : why + "; first apply a version without a tiebreaker, then change the voters";
    }

    /// <summary>The tiebreaker that can make a quorum: only with an even number of voters, and only if it is one of them.</summary>
    public static string? EffectiveTiebreaker(RaftMembership membership) =>
        membership.Voters.Count % 2 == 0 && membership.Tiebreaker is { } t && membership.IsVoter(t) ? t : null;
}
