using System.Collections.Immutable;

namespace Vigil.Core.Consensus;

/// <summary>A Raft message between two nodes. <see cref="Term"/> is the sender's term (for pre-votes: the term it would campaign in).</summary>
public abstract record RaftMessage(string From, string To, long Term);

/// <summary>Pre-vote (Ongaro §9.6): "would you vote for me?" without disturbing anyone's term.</summary>
public sealed record PreVoteRequest(string From, string To, long Term, long LastIndex, long LastTerm) : RaftMessage(From, To, Term);

public sealed record PreVoteResponse(string From, string To, long Term, bool Granted) : RaftMessage(From, To, Term);

public sealed record VoteRequest(string From, string To, long Term, long LastIndex, long LastTerm) : RaftMessage(From, To, Term);

public sealed record VoteResponse(string From, string To, long Term, bool Granted) : RaftMessage(From, To, Term);

/// <summary>AppendEntries; with no entries it is the leader's heartbeat.</summary>
public sealed record AppendRequest(string From, string To, long Term, long PrevIndex, long PrevTerm, ImmutableArray<LogEntry> Entries, long Commit)
    : RaftMessage(From, To, Term);

/// <summary>
/// The answer to an append or a snapshot. On success <see cref="MatchIndex"/> is the last index known to match the
/// leader's log. On rejection <see cref="MatchIndex"/> is the rejected PrevIndex and <see cref="HintIndex"/> the
/// follower's last index (the leader backs off to at most HintIndex + 1).
/// </summary>
public sealed record AppendResponse(string From, string To, long Term, bool Success, long MatchIndex, long HintIndex) : RaftMessage(From, To, Term);

/// <summary>The leader's snapshot, for a follower that needs entries the leader compacted away.</summary>
public sealed record SnapshotRequest(string From, string To, long Term, Snapshot Snapshot) : RaftMessage(From, To, Term);
