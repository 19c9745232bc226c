namespace Vigil.Core.Consensus;

/// <summary>
/// Snapshots: log compaction on the host's request, sending the snapshot to a follower that needs compacted
/// entries, and installing a leader's snapshot on a lagging follower.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>
    /// The host applied everything through <paramref name="index"/> and saved its state as <paramref name="data"/>:
    /// keep it as <see cref="LatestSnapshot"/> (with the term and the membership as of <paramref name="index"/>) and
    /// drop the entries up to there from memory. Not put in a Ready: the host persists its own snapshot. An index at
    /// or below the current snapshot changes nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> was not handed over as committed yet.</exception>
    public void Compact(long index, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, CommitIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, applied);
        if (index <= log.SnapshotIndex) return;
        Invariant.Check(index < unstableFrom, $"compacted entries ({index}) were handed over for persisting (unstable from {unstableFrom})");
        var snapshotMembership = MembershipAt(index);
        LatestSnapshot = new Snapshot(index, log.TermAt(index)!.Value, snapshotMembership, data);
        log.CompactThrough(index);
        baseMembership = snapshotMembership;
        membershipIndex = Math.Max(membershipIndex, index);
    }

    /// <summary>The follower needs entries compacted away (or the last snapshot sent went unanswered): send <see cref="LatestSnapshot"/>.</summary>
    private void SendSnapshot(string peer, RaftProgress pr)
    {
        var snapshot = LatestSnapshot;
        Invariant.Check(snapshot is not null && snapshot.Index == log.SnapshotIndex, "a compacted log has its snapshot");
        Send(new SnapshotRequest(Id, peer, Term, snapshot!));
        pr.PendingSnapshot = snapshot!.Index;
        pr.SnapshotSentAt = now;
        pr.Next = snapshot.Index + 1;
    }

    /// <summary>
    /// A leader's snapshot: installed when it is ahead of the commit index, ignored otherwise; either way the
    /// answer is a successful append response up to what is now known to match.
    /// </summary>
    private void HandleSnapshotRequest(SnapshotRequest m)
    {
        AcceptLeader(m.From);
        var snapshot = m.Snapshot;
        if (snapshot.Index > CommitIndex) Install(snapshot);
        Send(new AppendResponse(Id, m.From, Term, true, CommitIndex, log.LastIndex));
    }

    /// <summary>
    /// Replaces the log by <paramref name="snapshot"/>: the entries after it stay only if the log holds its index
    /// with its term. The host gets it in the next Ready (to persist — replacing its stored log the same way — and
    /// apply); committed entries it covers are never handed over.
    /// </summary>
    private void Install(Snapshot snapshot)
    {
        var keep = log.TermAt(snapshot.Index) == snapshot.Term;
        if (keep) log.CompactThrough(snapshot.Index);
        else log.Reset(snapshot.Index, snapshot.Term);
        unstableFrom = keep ? Math.Max(unstableFrom, snapshot.Index + 1) : snapshot.Index + 1;
        LatestSnapshot = snapshot;
        pendingSnapshot = snapshot;
        baseMembership = snapshot.Membership;
        RefreshMembership();
        CommitIndex = snapshot.Index;
        applied = snapshot.Index;
    }
}
