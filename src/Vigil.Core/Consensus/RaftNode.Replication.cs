namespace Vigil.Core.Consensus;

/// <summary>
/// Log replication: proposals, the leader's appends and heartbeats (bounded by MaxEntriesPerAppend and
/// MaxBytesPerAppend, optimistic nextIndex with back-off on rejection), the commit rule (a quorum holds the entry
/// and it is of the current term — Figure 8), and the follower's consistency check and conflict handling.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>The leader's view of each follower (every voter but itself), by node id in ordinal order.</summary>
    private readonly SortedDictionary<string, RaftProgress> progress = new(StringComparer.Ordinal);

    /// <summary>
    /// Appends <paramref name="data"/> to the leader's log and sends it to the followers that are caught up.
    /// Returns its index, or null when this node is not the leader or MaxUncommittedEntries are already pending.
    /// </summary>
    public long? Propose(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return AppendProposal(data, null);
    }

    private long? AppendProposal(byte[] data, RaftMembership? change)
    {
        if (Role != RaftRole.Leader || log.LastIndex - CommitIndex >= options.MaxUncommittedEntries) return null;
        var index = log.LastIndex + 1;
        AppendOwn(new LogEntry(index, Term, data, change));
        if (MaybeAdvanceCommit())
        {
            OnCommitAdvanced();
            return index;
        }
        foreach (var (peer, pr) in progress)
            if (pr.Next == index && pr.PendingSnapshot == 0) SendAppend(peer, pr);
        return index;
    }

    /// <summary>Appends an entry of this leader's own making.</summary>
    private void AppendOwn(LogEntry entry)
    {
        log.Append(entry);
        unstableFrom = Math.Min(unstableFrom, entry.Index);
        if (entry.Membership is not null) EnterMembership(entry);
    }

    /// <summary>Sends every follower an append from its nextIndex (empty when caught up) carrying the commit index.</summary>
    private void BroadcastAppend()
    {
        foreach (var (peer, pr) in progress) SendAppend(peer, pr);
    }

    private void SendAppend(string peer, RaftProgress pr)
    {
        if (pr.PendingSnapshot > 0)
        {
            if (now - pr.SnapshotSentAt >= options.ElectionTicks)
                SendSnapshot(peer, pr);
            else
                SendProbe(peer, pr);
            return;
        }
        var prevIndex = pr.Next - 1;
        if (log.TermAt(prevIndex) is not { } prevTerm)
        {
            Invariant.Check(prevIndex < log.SnapshotIndex, $"next index {pr.Next} of {peer} is within the leader's log (last {log.LastIndex})");
            SendSnapshot(peer, pr);
            return;
        }
        var entries = log.Slice(pr.Next, log.LastIndex, options.MaxEntriesPerAppend, options.MaxBytesPerAppend);
        Send(new AppendRequest(Id, peer, Term, prevIndex, prevTerm, entries, CommitIndex));
        if (!entries.IsEmpty) pr.Next = entries[^1].Index + 1;
    }

    /// <summary>While a snapshot is in flight: an empty append (keeps the follower's lease and asks whether it caught up).</summary>
    private void SendProbe(string peer, RaftProgress pr)
    {
        var prevIndex = log.TermAt(pr.Next - 1) is null ? log.SnapshotIndex : pr.Next - 1;
        Send(new AppendRequest(Id, peer, Term, prevIndex, log.TermAt(prevIndex)!.Value, [], CommitIndex));
    }

    private void HandleAppendResponse(AppendResponse m)
    {
        if (Role != RaftRole.Leader || !progress.TryGetValue(m.From, out var pr)) return;
        if (now - stepAge > pr.LastContact) pr.LastContact = now - stepAge;
        if (m.Success)
        {
            Invariant.Check(m.MatchIndex <= log.LastIndex, $"{m.From} matches up to {m.MatchIndex}, within the leader's log (last {log.LastIndex})");
            pr.Match = Math.Max(pr.Match, m.MatchIndex);
            pr.Next = Math.Max(pr.Next, pr.Match + 1);
            if (pr.PendingSnapshot > 0 && pr.Match >= pr.PendingSnapshot) pr.PendingSnapshot = 0;
            if (MaybeAdvanceCommit()) OnCommitAdvanced();
            else if (pr.PendingSnapshot == 0 && pr.Next <= log.LastIndex) SendAppend(m.From, pr);
            return;
        }
        // A rejection of PrevIndex (m.MatchIndex): back off to at most the follower's last index + 1. Stale
        // rejections (at or below what is known to match, or while a snapshot is in flight) change nothing.
        if (pr.PendingSnapshot > 0 || m.MatchIndex <= pr.Match) return;
        var next = Math.Max(pr.Match + 1, Math.Min(m.MatchIndex, m.HintIndex + 1));
        if (next >= pr.Next) return;
        pr.Next = next;
        SendAppend(m.From, pr);
    }

    /// <summary>
    /// Advances the commit index to the highest index held by a quorum of the voters in effect (the leader
    /// counting its whole log) — only if that entry is of the current term: older entries are committed by a
    /// current-term entry above them, never by counting replicas (Raft §5.4.2, Figure 8).
    /// </summary>
    private bool MaybeAdvanceCommit()
    {
        long MatchOf(string voter) => voter == Id ? log.LastIndex : progress.TryGetValue(voter, out var pr) ? pr.Match : 0;
        // Only an entry of this leader's own log can commit (its term must be this term). Every keep-alive answer
        // lands here, and on an idle cluster the log holds nothing above the commit: return before counting.
        if (log.LastIndex <= CommitIndex)
            return false;
        var candidates = membership.Voters.Select(MatchOf).Where(i => i > CommitIndex).Distinct().OrderDescending();
        foreach (var index in candidates)
        {
            if (!membership.IsQuorum(membership.Voters.Where(v => MatchOf(v) >= index))) continue;
            if (log.TermAt(index) != Term) return false;
            CommitIndex = index;
            return true;
        }
        return false;
    }

    /// <summary>The leader's commit moved: tell every follower at once; a leader no longer among the voters then steps down.</summary>
    private void OnCommitAdvanced()
    {
        BroadcastAppend();
        if (!membership.IsVoter(Id) && CommitIndex >= membershipIndex) BecomeFollower(Term, null);
    }

    private void HandleAppendRequest(AppendRequest m)
    {
        AcceptLeader(m.From);
        if (!IsContiguous(m)) return;
        var lastNew = m.PrevIndex + m.Entries.Length;
        if (lastNew <= CommitIndex)
        {
            // Everything in it is already committed here, hence matches the leader's log.
            Send(new AppendResponse(Id, m.From, Term, true, CommitIndex, log.LastIndex));
            return;
        }
        var (prevIndex, prevTerm, entries) = (m.PrevIndex, m.PrevTerm, m.Entries);
        if (prevIndex < CommitIndex)
        {
            // Skip the part at or below the commit index (it may already be compacted here).
            var skip = (int)(CommitIndex - prevIndex);
            (prevIndex, prevTerm, entries) = (CommitIndex, entries[skip - 1].Term, entries[skip..]);
        }
        if (log.TermAt(prevIndex) != prevTerm)
        {
            Send(new AppendResponse(Id, m.From, Term, false, prevIndex, log.LastIndex));
            return;
        }
        foreach (var entry in entries)
        {
            if (log.TermAt(entry.Index) == entry.Term) continue; // already held: old or duplicated appends never truncate
            if (entry.Index <= log.LastIndex) TruncateFrom(entry.Index);
            log.Append(entry);
            unstableFrom = Math.Min(unstableFrom, entry.Index);
            if (entry.Membership is not null) EnterMembership(entry);
        }
        if (Math.Min(m.Commit, lastNew) > CommitIndex) CommitIndex = Math.Min(m.Commit, lastNew);
        Send(new AppendResponse(Id, m.From, Term, true, lastNew, log.LastIndex));
    }

    /// <summary>A message of the current term from the leader: follow it and restart the election timer.</summary>
    private void AcceptLeader(string leader)
    {
        Invariant.Check(Role != RaftRole.Leader, $"one leader per term (term {Term}: {Id} and {leader})");
        if (Role != RaftRole.Follower) BecomeFollower(Term, leader);
        Leader = leader;
        // A message handled late (stepAge ticks after its arrival) restarts the timers from its arrival, unless a
        // fresher message from this leader already did.
        leaderContactAge = Math.Min(leaderContactAge, stepAge);
        var elapsed = Math.Min(electionElapsed, stepAge);
        ResetElectionTimer();
        electionElapsed = elapsed;
    }

    private static bool IsContiguous(AppendRequest m)
    {
        for (var i = 0; i < m.Entries.Length; i++)
            if (m.Entries[i].Index != m.PrevIndex + 1 + i) return false;
        return m.PrevIndex >= 0;
    }

    /// <summary>Drops a conflicting suffix of the log (never a committed entry).</summary>
    private void TruncateFrom(long index)
    {
        Invariant.Check(index > CommitIndex, $"committed entry {index} is never truncated (commit {CommitIndex})");
        log.TruncateFrom(index);
        unstableFrom = Math.Min(unstableFrom, index);
        if (membershipIndex >= index) RefreshMembership();
    }
}
