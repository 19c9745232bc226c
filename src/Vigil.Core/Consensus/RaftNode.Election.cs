namespace Vigil.Core.Consensus;

/// <summary>
/// Elections: role transitions, pre-vote (thesis §9.6), votes with the election restriction (§5.4.1), and leader
/// stickiness (a node that heard from a live leader within ElectionTicks ignores vote and pre-vote requests).
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>Answers to the current (pre-)vote round, by voter: granted or refused.</summary>
    private readonly Dictionary<string, bool> votes = new(StringComparer.Ordinal);

    /// <summary>A live leader is known: this node leads, or accepted a message from the leader within ElectionTicks.</summary>
    private bool InLease => Leader is not null && (Role == RaftRole.Leader || leaderContactAge < options.ElectionTicks);

    private void BecomeFollower(long term, string? leader)
    {
        Invariant.Check(term >= Term, $"terms never go back ({Term} to {term})");
        if (term > Term)
        {
            Term = term;
            votedFor = null;
        }
        Role = RaftRole.Follower;
        Leader = leader;
        leaderContactAge = leader is null ? int.MaxValue : stepAge;
        progress.Clear();
        votes.Clear();
        ResetElectionTimer();
        if (leader is not null) electionElapsed = stepAge; // the leader's message arrived stepAge ticks ago
    }

    /// <summary>The election timer fired: ask the voters whether they would vote, without changing any term.</summary>
    private void StartPreVote()
    {
        Role = RaftRole.PreCandidate;
        Leader = null;
        leaderContactAge = int.MaxValue;
        progress.Clear();
        StartRound();
        if (membership.IsQuorum([Id]))
        {
            BecomeCandidate();
            return;
        }
        foreach (var voter in Peers())
            Send(new PreVoteRequest(Id, voter, Term + 1, log.LastIndex, log.LastTerm));
    }

    /// <summary>A quorum would vote: start the real election in the next term, voting for itself.</summary>
    private void BecomeCandidate()
    {
        Term++;
        votedFor = Id;
        Role = RaftRole.Candidate;
        Leader = null;
        StartRound();
        if (membership.IsQuorum([Id]))
        {
            BecomeLeader();
            return;
        }
        foreach (var voter in Peers())
            Send(new VoteRequest(Id, voter, Term, log.LastIndex, log.LastTerm));
    }

    private void StartRound()
    {
        votes.Clear();
        votes[Id] = true;
        ResetElectionTimer();
    }

    /// <summary>The voters other than this node, in ordinal order.</summary>
    private IEnumerable<string> Peers() => membership.Voters.Where(v => v != Id);

    private void HandlePreVoteRequest(PreVoteRequest m)
    {
        // Higher-term requests reach here only outside the lease; an equal term is refused (the candidate is behind).
        var grant = m.Term > Term && LogAllowsVote(m.LastIndex, m.LastTerm);
        Send(new PreVoteResponse(Id, m.From, grant ? m.Term : Term, grant));
    }

    private void HandleVoteRequest(VoteRequest m)
    {
        var canVote = votedFor == m.From || (votedFor is null && Leader is null);
        var grant = canVote && LogAllowsVote(m.LastIndex, m.LastTerm);
        if (grant)
        {
            votedFor = m.From;
            ResetElectionTimer();
        }
        Send(new VoteResponse(Id, m.From, Term, grant));
    }

    private bool LogAllowsVote(long lastIndex, long lastTerm) =>
        options.UnsafeGrantVotesWithoutLogCheck || log.IsUpToDate(lastIndex, lastTerm);

    private void HandlePreVoteResponse(PreVoteResponse m)
    {
        // Granted answers carry the campaign term (Term + 1); refusals carry the voter's term (here: ours).
        if (Role != RaftRole.PreCandidate || m.Term != (m.Granted ? Term + 1 : Term)) return;
        switch (Tally(m.From, m.Granted))
        {
            case true: BecomeCandidate(); break;
            case false: BecomeFollower(Term, null); break;
        }
    }

    private void HandleVoteResponse(VoteResponse m)
    {
        if (Role != RaftRole.Candidate) return;
        switch (Tally(m.From, m.Granted))
        {
            case true: BecomeLeader(); break;
            case false: BecomeFollower(Term, null); break;
        }
    }

    /// <summary>Records a voter's first answer; true when the round is won, false when it can no longer be won, else null.</summary>
    private bool? Tally(string voter, bool granted)
    {
        votes.TryAdd(voter, granted);
        if (membership.IsQuorum(votes.Where(v => v.Value).Select(v => v.Key))) return true;
        var stillPossible = membership.Voters.Where(v => !votes.TryGetValue(v, out var g) || g);
        return membership.IsQuorum(stillPossible) ? null : false;
    }

    /// <summary>Won the election: track every follower, append the no-op of the new term, and send it.</summary>
    private void BecomeLeader()
    {
        Role = RaftRole.Leader;
        Leader = Id;
        leaderContactAge = 0;
        heartbeatElapsed = 0;
        votes.Clear();
        progress.Clear();
        ReconcileProgress();
        AppendOwn(new LogEntry(log.LastIndex + 1, Term, []));
        if (MaybeAdvanceCommit()) OnCommitAdvanced();
        else BroadcastAppend();
    }
}
