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

    /// <summary>The tiebreaker that can make a quorum: only with an even number of voters, and only if it is one of them.</summary>
    public static string? EffectiveTiebreaker(RaftMembership membership) =>
        membership.Voters.Count % 2 == 0 && membership.Tiebreaker is { } t && membership.IsVoter(t) ? t : null;
}
