using Vigil.Cli.Agent.Storage;
using Vigil.Core.Consensus;
using Vigil.Core.Database;
using Vigil.Core.Heartbeat;

namespace Vigil.Cli.Agent;

/// <summary>
/// The agent's one decision thread: it owns the Raft node, the cluster database, the node controller and (on
/// the leader) the coordinator, and feeds them in order — queued events first, then the tick. Other threads
/// (receive, heartbeat, actions, API) only enqueue. The queue is bounded: when it is full, inbound messages
/// are dropped (Raft and the reports are idempotent and retried) and counted.
/// Ticks: <see cref="TicksPerHeartbeat"/> Raft ticks per heartbeat interval; per heartbeat the controller
/// ticks, the leader renews leases and its coordinator ticks. The heartbeat thread starts each tick right after its
/// beat (<see cref="RequestTick"/>), so an idle node wakes once per heartbeat for both; the loop's own deadline, one
/// and a half intervals, only covers a heartbeat thread that stopped or runs late.
/// </summary>
internal sealed partial class AgentLoop
{
    public const int TicksPerHeartbeat = 1;
    public const int MaxQueuedEvents = 10_000;

    private readonly AgentSettings settings;
    private readonly AgentLog log;
    private readonly AgentClock clock;
    private readonly ClusterLink link;
    private readonly RaftStorage storage;
    private readonly NodeIdentity identity;
    private readonly HeartbeatMonitor monitor;
    private readonly Lock monitorGate;
    private readonly EventQueue queue = new(MaxQueuedEvents);
    private readonly Events.NotifyHooks? notify;
    private readonly TimeSpan tickInterval;
    private readonly RaftNode raft;
    private ClusterDatabase database;
    private readonly int electionTicks;
    private long droppedEvents;
    private long ticks;
    private double electionCredit;
    private long lastLoopTicks = Environment.TickCount64;

    public AgentLoop(AgentSettings settings, AgentLog log, AgentClock clock, ClusterLink link, RaftStorage storage,
        NodeIdentity identity, HeartbeatMonitor monitor, Lock monitorGate)
    {
        this.settings = settings;
        this.log = log;
        this.clock = clock;
        this.link = link;
        this.storage = storage;
        this.identity = identity;
        this.monitor = monitor;
        this.monitorGate = monitorGate;
        var timing = settings.Config.Cluster.Timing;
        tickInterval = timing.HeartbeatInterval / TicksPerHeartbeat;
        var restored = storage.Restored;
        database = restored.Snapshot is { } snapshot ? ClusterDatabase.FromSnapshot(snapshot) : ClusterDatabase.Empty();
        // Elections after [1, 1.5) dead times of silence from the leader: as calm as the failure detector, and a
        // median failover near one dead time (pre-vote and leader stickiness keep a lone impatient node harmless).
        electionTicks = timing.DeadAfter * TicksPerHeartbeat;
        var options = new RaftOptions(ElectionTicks: electionTicks, HeartbeatTicks: TicksPerHeartbeat, ElectionSpreadTicks: Math.Max(1, electionTicks / 2));
        raft = new RaftNode(settings.Node.Name, MembershipOf(settings.Config), restored, options, Seed());
        startedAt = clock.Now;
        notify = new Events.NotifyHooks(settings, () => database.Config ?? settings.Config, log.For("notify"));
        Interfaces = new Interfaces.InterfaceService(settings.Node.Name, settings.DataDir, database.Config ?? settings.Config,
            () => database.Config ?? settings.Config, (kind, message) => LocalEvent(kind, message), log.For("interfaces"));
        if (database.Config is not null)
        {
            link.UpdatePeers(database.Config);
            RebuildController();
        }
        log.Write("raft", $"recovered term {restored.HardState.Term}, commit {restored.HardState.Commit}, " +
            $"{restored.Entries.Count} entries after snapshot {restored.Snapshot?.Index ?? 0}; membership {raft.Membership}");
        if (settings.SnapshotEvery != AgentSettings.DefaultSnapshotEvery)
            log.Write("raft", $"snapshot every {settings.SnapshotEvery} applied entries ({AgentSettings.SnapshotEveryVariable})");
    }

    /// <summary>The node's interface groups and ip_address resources (its own thread; started by the runner).</summary>
    public Interfaces.InterfaceService Interfaces { get; }

    /// <summary>The newest committed configuration, else the file's (any thread).</summary>
    public Core.Configuration.ClusterConfig CurrentConfig => database.Config ?? settings.Config;

    /// <summary>Milliseconds since the loop last finished an iteration (the watchdog reads it).</summary>
    public long StalledForMs => Environment.TickCount64 - Interlocked.Read(ref lastLoopTicks);

    /// <summary>
    /// Queues an event from any thread; false (and counted) when the queue is full. Without <paramref name="wake"/>
    /// (a routine message) it is handled at the next tick at the latest.
    /// </summary>
    public bool Post(AgentEvent item, bool wake = true)
    {
        if (queue.TryAdd(item, wake)) return true;
        Interlocked.Increment(ref droppedEvents);
        return false;
    }

    /// <summary>
    /// Starts the loop's next tick now (the heartbeat thread calls it after each beat, so an idle node wakes once per
    /// heartbeat for both, right after the routine messages were read).
    /// </summary>
    public void RequestTick() => queue.RequestTick();

    /// <summary>Runs until <see cref="StopRequested"/>; returns the process exit code.</summary>
    public int Run()
    {
        // Ticks come from the heartbeat thread (RequestTick); the loop's own deadline only covers a heartbeat thread
        // that stopped or runs late. It stays under the two intervals beyond which an iteration is logged as slow, so
        // a loop that waits out its deadline is not reported as one.
        var fallback = tickInterval * 1.5;
        var nextTick = clock.Uptime + fallback;
        ProcessReady();
        while (true)
        {
            var wait = nextTick - clock.Uptime;
            if (queue.TryTake(out var item, wait > TimeSpan.Zero ? wait : TimeSpan.Zero) && item is not null)
            {
                if (item is StopRequested) return Shutdown();
                Handle(item);
                // Drain what is queued before the tick: after a pause, peers' messages count before our timers.
                var drained = 0;
                while (drained++ < 1000 && queue.TryTake(out var more, TimeSpan.Zero) && more is not null)
                {
                    if (more is StopRequested) return Shutdown();
                    Handle(more);
                }
            }
            if (queue.TakeTickRequest() || clock.Uptime >= nextTick)
            {
                Tick();
                // A late wake-up ticks once, not once per missed interval: a paused agent widens its own deadlines.
                nextTick = clock.Uptime + fallback;
            }
            var previous = Interlocked.Exchange(ref lastLoopTicks, Environment.TickCount64);
            if (Environment.TickCount64 - previous > settings.Config.Cluster.Timing.HeartbeatInterval.TotalMilliseconds * 2)
                log.Write("agent", $"loop iteration took {Environment.TickCount64 - previous} ms");
            if (exitCode is { } code) return code;
            if (StallFailpoint && HasActiveGroups)
            {
                log.Write("agent", $"failpoint {FailpointVariable}=loop-stall: the loop stops here, with groups running (tests the watchdog)");
                Thread.Sleep(Timeout.Infinite);
            }
        }
    }

    /// <summary>Test failpoint: VIGIL_FAILPOINT=loop-stall stops the loop for good once this node runs a group.</summary>
    public const string FailpointVariable = "VIGIL_FAILPOINT";

    private static readonly bool StallFailpoint = Environment.GetEnvironmentVariable(FailpointVariable) == "loop-stall";

    private void Handle(AgentEvent item)
    {
        switch (item)
        {
            case MessageArrived m: Receive(m); break;
            case ActionFinished a: ActionDone(a); break;
            case CoordinatorEffectFinished e: EffectDone(e); break;
            case ApiCall c: Answer(c); break;
        }
        ProcessReady();
    }

    private void Tick()
    {
        ticks++;
        routineSinceTick.Clear();
        // Lifeguard: while this node's own timers run late, its election timer runs slower (a leader's heartbeats do not).
        double scale;
        lock (monitorGate) scale = monitor.ElectionScale;
        if (raft.Role == RaftRole.Leader || scale <= 1)
        {
            raft.Tick();
        }
        else
        {
            electionCredit += 1 / scale;
            if (electionCredit >= 1)
            {
                electionCredit -= 1;
                raft.Tick();
            }
        }
        ProcessReady();
        if (ticks % TicksPerHeartbeat == 0) HeartbeatWork();
        ProcessReady();
    }

    /// <summary>Once per heartbeat: membership news, the controller's tick, leases and the coordinator's tick.</summary>
    private void HeartbeatWork()
    {
        LogHeartbeatEvents();
        NoteLeadership();
        BootstrapConfigIfLeader();
        RenewLeases();
        NodeHeartbeat();
        CoordinatorHeartbeat();
        ExpireRequests();
        if (Interlocked.Exchange(ref droppedEvents, 0) is var dropped and > 0)
            log.Write("agent", $"event queue full: dropped {dropped} events");
    }

    private void LogHeartbeatEvents()
    {
        IReadOnlyList<HeartbeatEvent> events;
        lock (monitorGate) events = monitor.TakeEvents();
        foreach (var e in events)
            log.Write("membership", e switch
            {
                NetworkDown d => $"network {d.Network} to {d.Peer} is down (the node stays up while another network answers)",
                NetworkUp u => $"network {u.Network} to {u.Peer} is up",
                PeerJoined j => $"{j.Peer} joined (first heard on {j.Network})",
                PeerLost l => $"{l.Peer} lost: silent on every network for {Core.Text.Duration(l.SilentFor)}",
                PeerRestarted r => $"{r.Peer} restarted (incarnation {r.Previous} -> {r.Incarnation})",
                LocalHealthChanged h => $"local health {h.Old} -> {h.New} (timer {Core.Text.Duration(h.Lateness)} late): deadlines scaled x{1 + h.New}",
                _ => e.ToString(),
            });
    }

    /// <summary>The failure detector's current membership view (the detector is shared with the heartbeat threads).</summary>
    private Core.Cluster.MembershipView CurrentView()
    {
        lock (monitorGate) return monitor.View;
    }

    private int Shutdown()
    {
        log.Write("agent", "stopping (signal)");
        StopAllWork();
        notify?.Dispose();
        return 0;
    }

    private static int Seed() => KernelRandom.Below(int.MaxValue);

    internal static RaftMembership MembershipOf(Core.Configuration.ClusterConfig config) =>
        RaftMembership.Of(config.Voters.Select(n => n.Name), config.Cluster.Tiebreaker);
}
