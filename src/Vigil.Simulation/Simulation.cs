using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Simulation;

/// <summary>
/// A deterministic simulation of a Vigil cluster (after TigerBeetle's VOPR and etcd raft's in-memory network).
///
/// The model. Every node runs the REAL Core state machines — one <see cref="Core.Node.NodeController"/> and one
/// <see cref="Core.Coordination.Coordinator"/> (only the one elected in the node's own view acts) — fed with a
/// simulated clock, network and resources. Everything happens as events in one queue ordered by (time, sequence);
/// all randomness comes from one <see cref="Random"/> seeded from <see cref="SimulationOptions.Seed"/>: no wall
/// clock, no threads. So the same seed and timeline give the same event log, byte for byte.
/// <list type="bullet">
/// <item>Clock: each node ticks its controller (and active coordinator) every heartbeat interval.</item>
/// <item>Membership (<see cref="IMembershipService"/>): the truth is <see cref="Topology"/> (crashes, symmetric
///   partitions); a node's view follows its connected component: losses after DeadTime, gains after a heartbeat.</item>
/// <item>Store (<see cref="ClusterStore"/>, a stand-in for consensus): one authoritative state; a coordinator's batch
///   commits if computed on the current version and its TRUE partition is quorate (or may fence by tiebreaker and
///   the batch is only about fencing). Committed states are pushed to nodes as messages, and re-sent each heartbeat.</item>
/// <item>Network (<see cref="SimNetwork"/>): 1–5 ms delays; faults drop, duplicate, delay, reorder. Messages are
///   pinned to the receiver's incarnation and dropped across partitions.</item>
/// <item>Resources (<see cref="SimResources"/>): actions take 10–300 ms; a resource runs from its start's beginning
///   until its stop completes or its node dies. Fencing (100–500 ms) crashes the target and reboots it later.</item>
/// <item>Checker (<see cref="InvariantChecker"/>): after every event, no group on two nodes, and no_quorum: stop
///   honoured in time. The first violation stops the run and records seed, time, message and trace.</item>
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
    private readonly ClusterStore store;
    private readonly InvariantChecker checker;
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
        store = new ClusterStore(config);
        checker = new InvariantChecker(config);
        this.scripts = scripts ?? new UnchangedDomainScript();
        foreach (var name in names)
        {
            var node = new SimNode(name);
            nodes[name] = node;
            nodesInOrder.Add(node);
            queue.Push(TimeSpan.Zero, new NodeBootDue(name));
        }
        queue.Push(timing.HeartbeatInterval, new StoreHeartbeatDue());
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

    /// <summary>The store's committed cluster state.</summary>
    public ClusterState State => store.State;

    /// <summary>Where each group runs now (resource truth) and what the store says about it.</summary>
    public IReadOnlyDictionary<string, GroupPlacement> Placement => GroupPlacement.Of(config, resources, store.State);

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
            case StoreHeartbeatDue: StoreHeartbeat(); break;
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
            checker.UpdateQuorum(Now, topology, store);
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
