using System.Collections.Immutable;
using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Coordination;
using Vigil.Core.Decisions;

namespace Vigil.Core.Tests.Engine;

/// <summary>What one driver call produced: committed decisions, effects to execute, and notices.</summary>
internal sealed record Batch(IReadOnlyList<Decision> Decisions, IReadOnlyList<CoordinatorEffect> Effects, IReadOnlyList<string> Notices)
{
    public IEnumerable<T> Of<T>() where T : Decision => Decisions.OfType<T>();

    public string[] Short => Decisions.Short();
}

/// <summary>
/// A well-behaved coordinator host for one partition. It keeps a <see cref="Coordinator"/> per node and the committed
/// <see cref="ClusterState"/>, and follows the host contract: commit a Ready's decisions with
/// <see cref="ClusterStateReducer.ApplyAll"/>, feed <see cref="StateCommitted"/> to the committing coordinator at once
/// (and push the state to the other coordinators of the view), then record its effects. Reports go, as a node's
/// controller sends them, to the coordinator elected in the view, and every member reports again after a view change.
/// Fence devices and failover scripts answer only when a test says so.
/// </summary>
internal sealed class CoordinatorDriver
{
    private readonly CoordinatorOptions? options;
    private readonly Dictionary<string, Coordinator> coordinators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> incarnations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> sequences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<string, GroupReport>> groupStatus = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> failingDevices = new(StringComparer.Ordinal);
    private long viewId;

    public CoordinatorDriver(ClusterConfig config, CoordinatorOptions? options = null, Func<ClusterState, ClusterState>? initialState = null)
    {
        Config = config;
        this.options = options;
        var initial = ClusterState.Initial(config);
        State = initialState?.Invoke(initial) ?? initial;
        foreach (var node in config.Nodes)
        {
            coordinators[node.Name] = Booted(config, node.Name, options, TimeSpan.Zero);
            incarnations[node.Name] = 1;
            sequences[node.Name] = 0;
            groupStatus[node.Name] = new(StringComparer.Ordinal);
            failingDevices[node.Name] = new(StringComparer.Ordinal);
        }
        Last = new Batch([], [], []);
    }

    public ClusterConfig Config { get; }

    /// <summary>
    /// A coordinator whose agent started one dead time before <paramref name="now"/>: its boot grace (it lets its
    /// view form before deciding) is over, so a story starts where the policy acts. The grace has its own test.
    /// </summary>
    private static Coordinator Booted(ClusterConfig config, string node, CoordinatorOptions? options, TimeSpan now)
    {
        var coordinator = new Coordinator(config, node, options);
        coordinator.Step(now - config.Cluster.Timing.DeadTime, new CoordinatorTick());
        return coordinator;
    }

    public ClusterState State { get; private set; }

    public TimeSpan Now { get; private set; }

    public MembershipView View { get; private set; } = new(0, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>Every committed decision, in commit order.</summary>
    public List<Decision> Decisions { get; } = [];

    public List<CoordinatorEffect> Effects { get; } = [];

    public List<string> Notices { get; } = [];

    /// <summary>What the latest driver call produced.</summary>
    public Batch Last { get; private set; }

    public string Elected => Coordinator.ElectedFor(Config, View);

    public Coordinator CoordinatorOf(string node) => coordinators[node];

    public GroupRecord Group(string name) => State.Groups[name];

    public string? Owner(string group) => State.Groups[group].Owner;

    // ---- stories -------------------------------------------------------------------------------------------

    /// <summary>
    /// Cluster start: the members see each other and report (nothing running), then the store hands the
    /// initial state to every coordinator — so the elected one plans with every member's report at once.
    /// </summary>
    public Batch Start(params string[] members) => Act(() =>
    {
        View = NewView(members);
        foreach (var m in members)
            coordinators[m].Step(Now, new MembershipChanged(View));
        foreach (var m in InConfigOrder(members))
            coordinators[Elected].Step(Now, new ReportReceived(NextReport(m)));
        foreach (var m in InConfigOrder(members).Where(m => m != Elected))
            coordinators[m].Step(Now, new StateCommitted(State));
        Deliver(Elected, new StateCommitted(State));
    });

    /// <summary>The membership becomes exactly <paramref name="members"/>; then every member reports to the new coordinator.</summary>
    public Batch SetView(params string[] members) => Act(() => ChangeView(members));

    /// <summary>The node leaves the membership (crash, hang or partition).</summary>
    public Batch Fail(params string[] nodes) => Act(() => ChangeView([.. View.Members.Except(nodes)]));

    /// <summary>The node (re)boots: a new agent incarnation with a fresh coordinator and nothing running, then joins the view.</summary>
    public Batch Rejoin(string node) => Act(() =>
    {
        incarnations[node]++;
        sequences[node] = 0;
        groupStatus[node].Clear();
        failingDevices[node].Clear();
        coordinators[node] = Booted(Config, node, options, Now);
        coordinators[node].Step(Now, new StateCommitted(State));
        ChangeView([.. View.Members, node]);
    });

    /// <summary>The node's controller reports these group statuses (they replace its earlier ones for those groups).</summary>
    public Batch Report(string node, params GroupReport[] groups) => Act(() =>
    {
        foreach (var g in groups)
            groupStatus[node][g.Group] = g;
        SendReport(node);
    });

    /// <summary>A report the node built when it had applied only state <paramref name="stateVersion"/> (arriving late).</summary>
    public Batch ReportAsOf(string node, long stateVersion, params GroupReport[] groups) => Act(() =>
    {
        if (View.Contains(node))
            Deliver(Elected, new ReportReceived(new NodeReport(node, incarnations[node], ++sequences[node], stateVersion, groups, [.. failingDevices[node]])));
    });

    /// <summary>The node reports the group stopped in its current generation (or <paramref name="generation"/>).</summary>
    public Batch ReportStopped(string node, string group, long? generation = null) =>
        Report(node, new GroupReport(group, generation ?? Group(group).Generation, GroupPhase.Stopped, 0, null));

    public Batch ReportFailed(string node, string group, string detail) =>
        Report(node, new GroupReport(group, Group(group).Generation, GroupPhase.Failed, 0, detail));

    public Batch CriticalDevice(string node, bool failing, string device = "disk") => Act(() =>
    {
        if (failing)
            failingDevices[node].Add(device);
        else
            failingDevices[node].Remove(device);
        SendReport(node);
    });

    public Batch FenceSucceeds(string node) => Act(() =>
        Deliver(Elected, new FenceCompleted(node, LastFence(node).Attempt, true, $"{node} powered off")));

    public Batch FenceFails(string node, string detail = "device timed out") => Act(() =>
        Deliver(Elected, new FenceCompleted(node, LastFence(node).Attempt, false, detail)));

    public Batch ScriptReturns(string group, params string[] domain) => Act(() =>
        Deliver(Elected, new FailoverScriptCompleted(group, [.. domain], null)));

    public Batch Operator(OperatorCommand command) => Act(() => Deliver(Elected, new OperatorRequest(command)));

    /// <summary>Time passes by <paramref name="by"/> (default 100 ms) and the coordinator ticks.</summary>
    public Batch Tick(TimeSpan? by = null) => Act(() =>
    {
        Now += by ?? TimeSpan.FromMilliseconds(100);
        Deliver(Elected, new CoordinatorTick());
    });

    /// <summary>Time passes to exactly <paramref name="at"/> and the coordinator ticks.</summary>
    public Batch TickAt(TimeSpan at) => Tick(at - Now);

    /// <summary>Delivers a raw input to the elected coordinator.</summary>
    public Batch Raw(CoordinatorInput input) => Act(() => Deliver(Elected, input));

    public FenceNode LastFence(string node) =>
        Effects.OfType<FenceNode>().LastOrDefault(f => f.Node == node)
        ?? throw new InvalidOperationException($"no FenceNode effect for {node} yet");

    // ---- plumbing ------------------------------------------------------------------------------------------

    private Batch Act(Action action)
    {
        var (d, e, n) = (Decisions.Count, Effects.Count, Notices.Count);
        action();
        Last = new Batch(Decisions.Skip(d).ToList(), Effects.Skip(e).ToList(), Notices.Skip(n).ToList());
        return Last;
    }

    private void ChangeView(IEnumerable<string> members)
    {
        View = NewView(members);
        var elected = Elected;
        // The others first: they are not elected in the new view, so they only take it in.
        foreach (var m in InConfigOrder(View.Members).Where(m => m != elected))
            Deliver(m, new MembershipChanged(View));
        Deliver(elected, new MembershipChanged(View));
        foreach (var m in InConfigOrder(View.Members))
            SendReport(m);
    }

    private void SendReport(string node)
    {
        if (View.Contains(node))
            Deliver(Elected, new ReportReceived(NextReport(node)));
    }

    private NodeReport NextReport(string node) =>
        new(node, incarnations[node], ++sequences[node], State.Version, [.. groupStatus[node].Values], [.. failingDevices[node]]);

    private MembershipView NewView(IEnumerable<string> members) =>
        new(++viewId, new HashSet<string>(members, StringComparer.Ordinal));

    private List<string> InConfigOrder(IEnumerable<string> members)
    {
        var set = members.ToHashSet(StringComparer.Ordinal);
        return [.. Config.Nodes.Select(n => n.Name).Where(set.Contains)];
    }

    private void Deliver(string node, CoordinatorInput input)
    {
        var coordinator = coordinators[node];
        var ready = coordinator.Step(Now, input);
        for (var chain = 0; ; chain++)
        {
            Assert.True(chain < 100, "the coordinator's commit chain did not settle");
            Notices.AddRange(ready.Notices);
            if (ready.Decisions.IsEmpty)
            {
                Effects.AddRange(ready.Effects);
                return;
            }
            Assert.Equal(State.Version, ready.BaseVersion);
            State = ClusterStateReducer.ApplyAll(State, ready.Decisions);
            Decisions.AddRange(ready.Decisions);
            var next = coordinator.Step(Now, new StateCommitted(State));
            foreach (var other in InConfigOrder(View.Members).Where(m => m != node))
            {
                var reply = coordinators[other].Step(Now, new StateCommitted(State));
                Assert.True(reply.Decisions.IsEmpty, $"two coordinators decided at once ({node} and {other})");
            }
            Effects.AddRange(ready.Effects);
            ready = next;
        }
    }
}

internal static class Reports
{
    public static GroupReport Status(string group, long generation, GroupPhase phase, string? detail = null) =>
        new(group, generation, phase, 0, detail);

    public static ImmutableArray<string> Domain(params string[] nodes) => [.. nodes];
}
