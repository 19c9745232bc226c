namespace Vigil.Core.Consensus;

/// <summary>
/// Message intake: the term rules common to every message (etcd-io/raft's Step), then dispatch to the election,
/// replication and snapshot parts.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>
    /// Feeds one message from a peer. A message with a higher term makes this node a follower in that term (the
    /// sender's follower for an append or a snapshot) — except a pre-vote request or a granted pre-vote response,
    /// which never change terms, and a vote or pre-vote request while a live leader is known, which is ignored
    /// (leader stickiness). A lower-term append or snapshot is answered with this node's term so that a stale
    /// leader steps down; a lower-term pre-vote request is refused; any other lower-term message is dropped.
    /// Messages addressed to another node are ignored. <paramref name="ageTicks"/>: ticks that passed since the
    /// message arrived, when the host handles it late (a routine keep-alive read in a batch): contact with the
    /// leader or a follower counts from the arrival, so the election timer and check-quorum see the true silence.
    /// </summary>
    public void Step(RaftMessage message, int ageTicks = 0)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.To != Id || message.From == Id) return;
        stepAge = Math.Clamp(ageTicks, 0, options.ElectionTicks - 1);
        try
        {
            StepAged(message);
        }
        finally
        {
            stepAge = 0;
        }
    }

    /// <summary>Ticks since the message being stepped arrived (0 outside <see cref="Step"/>), below ElectionTicks.</summary>
    private int stepAge;

    private void StepAged(RaftMessage message)
    {
        if (message.Term > Term && !EnterHigherTerm(message)) return;
        if (message.Term < Term)
        {
            AnswerStale(message);
            return;
        }
        switch (message)
        {
            case PreVoteRequest m: HandlePreVoteRequest(m); break;
            case VoteRequest m: HandleVoteRequest(m); break;
            case PreVoteResponse m: HandlePreVoteResponse(m); break;
            case VoteResponse m: HandleVoteResponse(m); break;
            case AppendRequest m: HandleAppendRequest(m); break;
            case AppendResponse m: HandleAppendResponse(m); break;
            case SnapshotRequest m: HandleSnapshotRequest(m); break;
        }
    }

    /// <summary>Applies the higher term of <paramref name="message"/>; false when the message is to be ignored.</summary>
    private bool EnterHigherTerm(RaftMessage message)
    {
        switch (message)
        {
            case PreVoteRequest or VoteRequest when InLease:
                return false;
            case PreVoteRequest:
            case PreVoteResponse { Granted: true }:
                return true;
            case AppendRequest or SnapshotRequest:
                BecomeFollower(message.Term, message.From);
                return true;
            default:
                BecomeFollower(message.Term, null);
                return true;
        }
    }

    private void AnswerStale(RaftMessage message)
    {
        switch (message)
        {
            case AppendRequest or SnapshotRequest:
                Send(new AppendResponse(Id, message.From, Term, false, 0, log.LastIndex));
                break;
            case PreVoteRequest:
                Send(new PreVoteResponse(Id, message.From, Term, false));
                break;
        }
    }

    private void Send(RaftMessage message) => outbox.Add(message);
}
