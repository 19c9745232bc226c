using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Simulation;

/// <summary>
/// A deterministic simulation of a Vigil cluster (after TigerBeetle's VOPR and etcd raft's in-memory network).
///
/// The model. Every node runs the REAL Core state machines as the agent hosts them (src/Vigil/Agent/AgentLoop):
/// a <see cref="Core.Consensus.RaftNode"/> with its stable storage (<see cref="SimStorage"/>) and the
/// <see cref="Core.Database.ClusterDatabase"/> its committed entries apply to, a <see cref="Core.Node.NodeController"/>
/// built from the committed configuration, and — on the Raft leader only — a <see cref="Core.Coordination.Coordinator"/>.
/// Everything happens as events in one queue ordered by (time, sequence); all randomness comes from one
/// <see cref="Random"/> seeded from <see cref="SimulationOptions.Seed"/> (Raft's own seeds are drawn from it): no
/// wall clock, no threads. So the same seed and timeline give the same event log, byte for byte.
/// <list type="bullet">
/// <item>Clock: every heartbeat interval each node polls its membership view, ticks Raft once (election after
///   DeadAfter ticks), and does the agent's heartbeat work: bootstrap, leases, controller tick, coordinator tick.</item>
/// <item>Consensus: each Ready is persisted (surviving crashes) before its messages are sent, then applied; a node
///   snapshots every <see cref="SimulationOptions.SnapshotEvery"/> applied entries. The first leader commits
///   ConfigCommitted(1, the configuration as YAML). A restarted node recovers Raft from its storage and the
///   database from its snapshot plus the committed entries Raft hands over again.</item>
/// <item>Coordinator: only on the leader once its no-op committed and its database caught up; a batch of decisions
///   is proposed as DecisionsCommitted and every other input waits until that entry is applied; then StateCommitted,
///   then the batch's effects. Leadership lost drops it with everything in flight.</item>
/// <item>Leases: every heartbeat the leader, while it hears from a quorum, renews its own controller and sends every
///   node of its view a lease; a follower feeds its controller the committed state only on a lease from its current
///   leader in the current term that names it and whose state it has applied. Reports go to the Raft leader.</item>
/// <item>Membership (<see cref="IMembershipService"/>): the truth is <see cref="Topology"/> (crashes, partitions,
///   one-way cuts); a node's view holds the peers it hears: losses after DeadTime, gains after a heartbeat.</item>
/// <item>Network (<see cref="SimNetwork"/>): 1–5 ms delays; faults drop, duplicate, delay, reorder. Every message —
///   Raft's included — crosses it; a message is dropped when its link is cut at sending or at arrival.</item>
/// <item>Resources (<see cref="SimResources"/>): actions take 10–300 ms; a resource runs from its start's beginning
///   until its stop completes or its node dies. Fencing (100–500 ms) crashes the target and reboots it later.</item>
/// <item>Checkers, after every event: no group on two nodes, no_quorum: stop honoured in time
///   (<see cref="InvariantChecker"/>), and no committed entry lost or overwritten (<see cref="CommitChecker"/>).
///   The first violation stops the run and records seed, time, message and trace.</item>
/// </list>
/// Faults and operator commands come from a timeline of <see cref="SimAction"/>s (see <see cref="RandomSchedule"/>).
/// </summary>
public sealed partial class Simulation
{
    private readonly ClusterConfig config;
    private readonly SimulationOptions options;
    private readonly Random random;
    private readonly EventQueue queue;
    private readonly Topology topology;
    private readonly IMembershipService membership;
    private readonly SimNetwork network;
    private readonly SimResources resources;
    private readonly InvariantChecker checker;
    private readonly CommitChecker commits = new();
    private readonly string configText;
    private readonly ClusterState initialState;
    private readonly IFailoverScriptRunner scripts;
    private readonly Dictionary<string, SimNode> nodes = new(StringComparer.Ordinal);
    private readonly List<SimNode> nodesInOrder = [];
    private readonly HashSet<string> fenceFailures = new(StringComparer.Ordinal);
    private readonly List<Violation> violations = [];
    private bool truthChanged = true;

    public Simulation(ClusterConfig config, SimulationOptions options,
        IFailoverScriptRunner? scripts = null, IMembershipService? membership = null)
    {
        this.config = config;
        this.options = options;
        random = new Random(options.Seed);
        queue = new EventQueue(options.MaxQueuedEvents);
        EventLog = new SimEventLog(options.MaxLogEntries);
        var names = config.Nodes.Select(n => n.Name).ToList();
        topology = new Topology(names);
        foreach (var name in names) topology.SetUp(name, false);
        var timing = config.Cluster.Timing;
        this.membership = membership ?? new DelayedMembershipService(names, timing.HeartbeatInterval, timing.DeadTime);
        network = new SimNetwork(random);
        resources = new SimResources(random);
        checker = new InvariantChecker(config);
        configText = ConfigYaml.Write(config);
        initialState = ClusterState.Initial(config);
        raftMembership = Core.Consensus.RaftMembership.Of(config.Voters.Select(n => n.Name), config.Cluster.Tiebreaker);
        this.scripts = scripts ?? new UnchangedDomainScript();
        foreach (var name in names)
        {
            var node = new SimNode(name);
            nodes[name] = node;
            nodesInOrder.Add(node);
            queue.Push(TimeSpan.Zero, new NodeBootDue(name));
        }
    }

    public ClusterConfig Config => config;

    public int Seed => options.Seed;

    /// <summary>The simulated time: of the last event processed, or the end of the last <see cref="RunUntil"/>.</summary>
    public TimeSpan Now { get; private set; }

    public long EventsProcessed { get; private set; }

    /// <summary>True after the first violation: the run does not go on.</summary>
    public bool Stopped => violations.Count > 0;

    public IReadOnlyList<Violation> Violations => violations;

    public SimEventLog EventLog { get; }

    /// <summary>
    /// The committed cluster state: the database state as of the highest index any node applied (the initial state
    /// before the configuration committed).
    /// </summary>
    public ClusterState State => commits.Truth ?? initialState;

    /// <summary>Where each group runs now (resource truth) and what the committed state says about it.</summary>
    public IReadOnlyDictionary<string, GroupPlacement> Placement => GroupPlacement.Of(config, resources, State);

    /// <summary>The highest log index any node applied: every entry up to it is committed.</summary>
    public long CommittedIndex => commits.CommittedIndex;

    /// <summary>The cluster state in the node's own database (null when it is down or has none yet).</summary>
    public ClusterState? NodeState(string node) => nodes[node].Alive ? nodes[node].Database.State : null;

    /// <summary>The node's Raft role now (null when it is down).</summary>
    public Core.Consensus.RaftRole? RoleOf(string node) => nodes[node].Raft?.Role;

    public Topology Truth => topology;

    public bool IsUp(string node) => nodes[node].Alive;

    /// <summary>Resources running on the node now (truth).</summary>
    public IReadOnlySet<string> RunningOn(string node) => resources.RunningOn(node);

    public void Schedule(TimeSpan at, SimAction action)
    {
        if (at < Now) throw new ArgumentOutOfRangeException(nameof(at), at, $"cannot schedule in the past (now {Now})");
        queue.Push(at, new ActionInjected(action));
    }

    /// <summary>Processes every event due up to <paramref name="until"/>, checking invariants after each; stops at a violation.</summary>
    public void RunUntil(TimeSpan until)
    {
        while (!Stopped && queue.TryPop(until, out var at, out var item))
        {
            Now = at;
            if (++EventsProcessed > options.MaxEvents)
                throw new SimulationLimitException($"seed {Seed}: more than {options.MaxEvents} events by {at}; raise MaxEvents or shorten the run");
            try
            {
                Dispatch(item);
            }
            catch (Exception ex) when (ex is not SimulationLimitException)
            {
                Fail(ViolationKind.CoreException, $"{ex.GetType().Name} while handling {item.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
            CheckInvariants();
        }
        if (!Stopped && until > Now) Now = until;
    }

    private void Dispatch(SimEvent item)
    {
        switch (item)
        {
            case NodeBootDue e: Boot(nodes[e.Node]); break;
            case NodeTickDue e: Tick(e); break;
            case MessageArrives e: Arrive(e.Message); break;
            case ActionFinishes e: FinishAction(e); break;
            case FenceFinishes e: FinishFence(e); break;
            case ScriptFinishes e: FinishScript(e); break;
            case RebootDue e: RebootIfStillDown(e); break;
            case ActionInjected e: Apply(e.Action); break;
            default: throw new InvalidOperationException($"unknown event {item.GetType().Name}");
        }
    }

    private void CheckInvariants()
    {
        if (Stopped) return;
        if (truthChanged)
        {
            checker.UpdateQuorum(Now, topology, State);
            truthChanged = false;
        }
        if (checker.CheckAfterEvent(Now, resources, topology) is { } problem) Fail(problem.Kind, problem.Message);
    }

    /// <summary>Records the first violation (with the trace so far) and stops the run.</summary>
    internal void Fail(ViolationKind kind, string message)
    {
        if (Stopped) return;
        Log(SimLogKind.Violation, null, $"{kind}: {message}");
        violations.Add(new Violation(Seed, kind, Now, message, EventLog.Lines()));
    }

    private void Log(SimLogKind kind, string? node, string message)
    {
        if (kind == SimLogKind.Debug && !options.LogDebug) return;
        EventLog.Add(Now, kind, node, message);
    }
}
