namespace Vigil.Core.Consensus;

/// <summary>
/// Membership: the membership in effect is that of the latest membership entry in the log (committed or not),
/// else the one the log starts from (snapshot or bootstrap). Changes are single-server and one at a time; the
/// leader keeps a progress entry for exactly the voters in effect.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>The membership as of the start of the log (the snapshot's, else the bootstrap one).</summary>
    private RaftMembership baseMembership;

    private RaftMembership membership;

    /// <summary>Index of the entry holding <see cref="membership"/>, or the snapshot index when it is <see cref="baseMembership"/>.</summary>
    private long membershipIndex;

    /// <summary>
    /// Proposes <paramref name="next"/> as the membership, with <paramref name="data"/> as the entry's payload.
    /// Returns the entry's index, or null when this node is not a ready leader (its no-op must be committed
    /// first: Ongaro's fix for single-server changes), an earlier change is not committed yet, the uncommitted
    /// entries are at their limit, or the change is not one of <see cref="MembershipChange.IsSafe"/>.
    /// </summary>
    public long? ProposeMembership(RaftMembership next, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(data);
        if (!LeaderReady || membershipIndex > CommitIndex || !MembershipChange.IsSafe(membership, next)) return null;
        return AppendProposal(data, next);
    }

    /// <summary>A membership entry was appended: it takes effect now.</summary>
    private void EnterMembership(LogEntry entry)
    {
        membership = entry.Membership!;
        membershipIndex = entry.Index;
        if (Role == RaftRole.Leader) ReconcileProgress();
    }

    /// <summary>Recomputes the membership in effect from the log (after a truncation, a snapshot, or at start).</summary>
    private void RefreshMembership()
    {
        var entry = log.LatestMembershipEntry(log.LastIndex);
        if (entry is not null)
        {
            EnterMembership(entry);
            return;
        }
        membership = baseMembership;
        membershipIndex = log.SnapshotIndex;
        if (Role == RaftRole.Leader) ReconcileProgress();
    }

    /// <summary>The membership in effect just after <paramref name="index"/> was applied.</summary>
    private RaftMembership MembershipAt(long index) => log.LatestMembershipEntry(index)?.Membership ?? baseMembership;

    /// <summary>Leader: track every voter in effect (new ones from the end of the log), forget the others.</summary>
    private void ReconcileProgress()
    {
        foreach (var voter in membership.Voters)
            if (voter != Id && !progress.ContainsKey(voter)) progress[voter] = new RaftProgress(log.LastIndex + 1, now);
        foreach (var peer in progress.Keys.Where(p => !membership.IsVoter(p)).ToList())
            progress.Remove(peer);
    }
}
