namespace Vigil.Core.Consensus;

/// <summary>
/// Raft (Ongaro &amp; Ousterhout; the etcd-io/raft shape) as a pure state machine: <see cref="Tick"/>,
/// <see cref="Step"/> and <see cref="Propose"/> change it; <see cref="TakeReady"/> hands the host what to persist,
/// send and apply. With pre-vote and check-quorum, snapshots, and single-server membership changes.
/// No I/O, no clock: time is ticks; randomness comes from the seed.
/// </summary>
/// <remarks>
/// This part holds the node's state, its construction from storage, its public view and the clock
/// (<see cref="Tick"/>). Elections, replication, membership, snapshots, message dispatch and the Ready hand-over
/// live in the other parts of the class.
/// </remarks>
public sealed partial class RaftNode
{
    private readonly RaftOptions options;
    private readonly Random random;
    private readonly RaftLog log;

    /// <summary>Whom this node voted for in <see cref="Term"/> (persisted in the hard state).</summary>
    private string? votedFor;

    /// <summary>Ticks since this node started: the clock check-quorum measures contact ages with.</summary>
    private long now;

    /// <summary>Ticks since the election timer was last reset (followers and candidates).</summary>
    private int electionElapsed;

    /// <summary>When <see cref="electionElapsed"/> reaches this (drawn in [E, 2E)), the node campaigns.</summary>
    private int randomizedElectionTimeout;

    /// <summary>Ticks since the leader last sent heartbeats.</summary>
    private int heartbeatElapsed;

    /// <summary>Ticks since a message from <see cref="Leader"/> was last accepted (int.MaxValue: none).</summary>
    private int leaderContactAge = int.MaxValue;

    /// <summary>
    /// Starts a node from what its storage recovered. The membership in effect is that of the latest membership
    /// entry in the log, else the snapshot's, else <paramref name="bootstrap"/>. Entries up to the snapshot count
    /// as applied; the first <see cref="TakeReady"/> hands over every entry in (snapshot index, restored commit].
    /// </summary>
    public RaftNode(string id, RaftMembership bootstrap, RaftRestore restore, RaftOptions options, int seed)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(bootstrap);
        ArgumentNullException.ThrowIfNull(restore);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Id = id;
        this.options = options;
        random = new Random(seed);

        var snapshot = restore.Snapshot;
        var snapshotIndex = snapshot?.Index ?? 0;
        log = new RaftLog(snapshotIndex, snapshot?.Term ?? 0, restore.Entries.Where(e => e.Index > snapshotIndex));
        LatestSnapshot = snapshot;
        baseMembership = snapshot?.Membership ?? bootstrap;
        membership = baseMembership;
        RefreshMembership();

        Term = restore.HardState.Term;
        votedFor = restore.HardState.VotedFor;
        CommitIndex = Math.Max(restore.HardState.Commit, snapshotIndex);
        Invariant.Check(CommitIndex <= log.LastIndex, $"restored commit {CommitIndex} is within the restored log (last index {log.LastIndex})");

        applied = snapshotIndex;
        unstableFrom = log.LastIndex + 1;
        persisted = restore.HardState;
        Role = RaftRole.Follower;
        ResetElectionTimer();
    }

    public string Id { get; }

    public RaftRole Role { get; private set; }

    public long Term { get; private set; }

    /// <summary>The leader this node currently knows of (itself when leading), or null when unknown.</summary>
    public string? Leader { get; private set; }

    public long CommitIndex { get; private set; }

    public long LastIndex => log.LastIndex;

    /// <summary>The membership in effect: that of the latest membership entry in the log, committed or not.</summary>
    public RaftMembership Membership => membership;

    /// <summary>The snapshot the log starts after: restored, installed from a leader, or taken by <see cref="Compact"/>.</summary>
    public Snapshot? LatestSnapshot { get; private set; }

    /// <summary>Leader, and an entry of its own term (its no-op) is committed: its log holds everything committed.</summary>
    public bool LeaderReady => Role == RaftRole.Leader && log.TermAt(CommitIndex) == Term;

    /// <summary>Leader only: itself and the followers heard from within the last ElectionTicks ticks form a quorum.</summary>
    public bool HasQuorumContact => Role == RaftRole.Leader && RecentContactsFormQuorum();

    /// <summary>Ticks since this node last accepted a message from the current leader: 0 when leading, int.MaxValue when no leader is known.</summary>
    public int TicksSinceLeaderContact => Role == RaftRole.Leader ? 0 : Leader is null ? int.MaxValue : leaderContactAge;

    /// <summary>The log in memory (for tests and checkers).</summary>
    internal RaftLog Log => log;

    /// <summary>
    /// One unit of time. A leader steps down when it lost contact with a quorum (check-quorum), else sends
    /// heartbeats every HeartbeatTicks; any other voter campaigns (pre-vote first) when its election timer fires.
    /// </summary>
    public void Tick()
    {
        now++;
        if (Role == RaftRole.Leader)
        {
            TickLeader();
            return;
        }
        electionElapsed++;
        if (leaderContactAge < int.MaxValue) leaderContactAge++;
        if (membership.IsVoter(Id) && electionElapsed >= randomizedElectionTimeout) StartPreVote();
    }

    private void TickLeader()
    {
        if (!HasQuorumContact)
        {
            BecomeFollower(Term, null);
            return;
        }
        if (++heartbeatElapsed < options.HeartbeatTicks) return;
        heartbeatElapsed = 0;
        BroadcastAppend();
    }

    /// <summary>
    /// Check-quorum: whether the followers heard from within ElectionTicks, and this node, form a quorum. Asked on
    /// every tick and lease renewal, so it counts over the voters in place rather than through LINQ.
    /// </summary>
    private bool RecentContactsFormQuorum() =>
        membership.IsQuorumWhere(voter => voter == Id || (progress.TryGetValue(voter, out var pr) && now - pr.LastContact < options.ElectionTicks));

    private void ResetElectionTimer()
    {
        electionElapsed = 0;
        randomizedElectionTimeout = random.Next(options.ElectionTicks, options.ElectionTicks + Math.Max(1, options.ElectionSpreadTicks ?? options.ElectionTicks));
    }

    private static void Validate(RaftOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ElectionTicks, 2, nameof(options.ElectionTicks));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HeartbeatTicks, 1, nameof(options.HeartbeatTicks));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(options.HeartbeatTicks, options.ElectionTicks, nameof(options.HeartbeatTicks));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEntriesPerAppend, 1, nameof(options.MaxEntriesPerAppend));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBytesPerAppend, 1, nameof(options.MaxBytesPerAppend));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxUncommittedEntries, 1, nameof(options.MaxUncommittedEntries));
    }
}
