using System.Collections.Concurrent;
using System.Diagnostics;
using Vigil.Cli.Agent.Network;
using Vigil.Core.Configuration;
using Vigil.Core.Interfaces;

namespace Vigil.Cli.Agent.Interfaces;

/// <summary>
/// The node's interface groups (IPMP / CIP / LifeKeeper), one <see cref="InterfaceGroupMachine"/> each, run on
/// their own thread so a carrier loss is acted on within milliseconds whatever the cluster's heartbeat interval.
/// Netlink link events, ICMP probe replies, finished address operations and requests (ip_address actions, `vigil
/// ip`) are queued (bounded) to that thread; it ticks the machines and carries out their commands: probes go out
/// at once, address changes and target discovery run as tasks whose results are queued back.
/// The interface groups are the ones the configuration gives this node when the agent starts; a changed set in a
/// later configuration version is reported and applies at the next agent start.
/// </summary>
internal sealed partial class InterfaceService : IDisposable
{
    public const int MaxQueued = 4096;
    public const int MaxPendingRequests = 256;
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly string node;
    private readonly Func<ClusterConfig> config;
    private readonly Action<string, string> report;
    private readonly Action<string> log;
    private readonly PlacementStore store;
    private readonly BlockingCollection<Action> queue = new(MaxQueued);
    private readonly Dictionary<string, InterfaceGroupMachine> machines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InterfaceGroupConfig> groups = new(StringComparer.Ordinal);
    private readonly Dictionary<long, TaskCompletionSource<(bool Ok, string Detail)>> pending = [];
    private readonly Stopwatch uptime = Stopwatch.StartNew();
    private readonly CancellationTokenSource stopping = new();
    private readonly string groupsSignature;
    private Thread? thread;
    private LinkWatcher? links;
    private long nextRequest;
    private long dropped;
    private volatile IReadOnlyList<InterfaceGroupView> views = [];

    /// <param name="report">An event for the node's event log and notify hooks: (kind, message).</param>
    public InterfaceService(string node, string dataDir, ClusterConfig startConfig, Func<ClusterConfig> config,
        Action<string, string> report, Action<string> log)
    {
        this.node = node;
        this.config = config;
        this.report = report;
        this.log = log;
        store = new PlacementStore(dataDir, log);
        groupsSignature = Signature(startConfig);
        foreach (var group in LocalGroups(startConfig))
        {
            groups[group.Name] = group;
            machines[group.Name] = new InterfaceGroupMachine(group, store.Load(group.Name), Now);
        }
    }

    private TimeSpan Now => uptime.Elapsed;

    /// <summary>True when this node has interface groups to watch.</summary>
    public bool Active => machines.Count > 0;

    /// <summary>The interface groups' state as of the last loop iteration (any thread).</summary>
    public IReadOnlyList<InterfaceGroupView> Views => views;

    public bool Has(string group) => machines.ContainsKey(group);

    /// <summary>Prepares the interfaces, starts the netlink watcher and the loop thread. Nothing to do without groups.</summary>
    public void Start()
    {
        if (!Active) return;
        if (!Environment.IsPrivilegedProcess)
            log("interface groups need root (CAP_NET_ADMIN to place addresses, CAP_NET_RAW to probe): running unprivileged, " +
                "probes cannot be sent (they count as missed) and addresses cannot be placed");
        foreach (var group in groups.Values) Prepare(group, machines[group.Name]);
        links = new LinkWatcher((iface, facts) => Post(() => Link(iface, facts)), log);
        links.Start();
        thread = new Thread(Run) { IsBackground = true, Name = "interfaces", Priority = ThreadPriority.AboveNormal };
        thread.Start();
        log($"watching interface groups {string.Join(", ", machines.Keys)}");
    }

    /// <summary>Queues work for the loop thread; false (and counted) when the queue is full.</summary>
    private bool Post(Action work)
    {
        if (queue.TryAdd(work)) return true;
        if (Interlocked.Increment(ref dropped) is 1 or 100 or 10_000)
            log($"interface queue full ({MaxQueued}): {dropped} event(s) dropped so far");
        return false;
    }

    /// <summary>Sends a request to a group's machine and waits for its answer (bounded).</summary>
    public async Task<(bool Ok, string Detail)> AskAsync(string group, Func<long, InterfaceRequest> request, CancellationToken cancel)
    {
        if (!machines.TryGetValue(group, out var machine)) return (false, $"interface group {group} is not defined on {node}");
        var answer = new TaskCompletionSource<(bool Ok, string Detail)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = Post(() =>
        {
            if (pending.Count >= MaxPendingRequests)
            {
                answer.TrySetResult((false, $"too many interface requests waiting ({MaxPendingRequests})"));
                return;
            }
            var id = ++nextRequest;
            pending[id] = answer;
            machine.Step(Now, request(id));
        });
        if (!queued) return (false, "the interface service is overloaded; try again");
        var done = await Task.WhenAny(answer.Task, Task.Delay(RequestTimeout, cancel));
        return done == answer.Task ? answer.Task.Result : (false, $"interface group {group} did not answer within {Core.Text.Duration(RequestTimeout)}");
    }

    /// <summary>Where the machine has the resource's address now, and whether that interface is usable.</summary>
    public (string? Interface, bool Usable) Locate(string group, string resource)
    {
        var view = views.FirstOrDefault(v => v.Group == group);
        var address = view?.Addresses.FirstOrDefault(a => a.Resource == resource);
        if (view is null || address?.Current is not { } current) return (null, false);
        var state = view.Interfaces.FirstOrDefault(i => i.Name == current)?.State;
        return (current, state is InterfaceState.Ok or InterfaceState.Repaired);
    }

    /// <summary>The interfaces of a local group (config order, as the agent started with it).</summary>
    public IReadOnlyList<string> InterfacesOf(string group) =>
        groups.TryGetValue(group, out var found) ? found.Interfaces.Select(i => i.Name).ToList() : [];

    private IEnumerable<InterfaceGroupConfig> LocalGroups(ClusterConfig c) => c.InterfaceGroups.Where(g => g.Node == node);

    private string Signature(ClusterConfig c) => string.Join(";", LocalGroups(c).Select(g =>
        $"{g.Name}|{string.Join(",", g.Interfaces.Select(i => $"{i.Name}/{i.TestAddress}/{i.Backup}"))}|{g.Detection.Link}|" +
        $"{g.Detection.Probes}|{g.Detection.FailureDetectionTime}|{string.Join(",", g.Detection.Targets)}|{g.Failback}"));

    private void Run()
    {
        var tickInterval = machines.Values.Min(m => m.TickInterval);
        var nextTick = Now;
        var lastConfig = config();
        while (!stopping.IsCancellationRequested)
        {
            var wait = nextTick - Now;
            try
            {
                if (queue.TryTake(out var work, (int)Math.Ceiling(Math.Max(0, wait.TotalMilliseconds)), stopping.Token))
                {
                    work();
                    for (var i = 0; i < 256 && queue.TryTake(out var more); i++) more();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (Now >= nextTick)
            {
                foreach (var machine in machines.Values) machine.Tick(Now);
                nextTick = Now + tickInterval;
                if (config() is var current && !ReferenceEquals(current, lastConfig))
                {
                    lastConfig = current;
                    if (Signature(current) != groupsSignature)
                        log("the configuration changed this node's interface groups; the change applies when the agent restarts");
                }
            }
            Execute();
            views = machines.Values.Select(m => m.View()).ToList();
        }
    }

    private void Link(string iface, LinkFacts facts)
    {
        foreach (var (name, machine) in machines)
            if (InterfacesOf(name).Contains(iface)) machine.Step(Now, new LinkObserved(iface, facts));
    }

    public void Dispose()
    {
        stopping.Cancel();
        thread?.Join(TimeSpan.FromSeconds(2));
        links?.Dispose();
        foreach (var prober in probers.Values) prober.Dispose();
        foreach (var answer in pending.Values) answer.TrySetResult((false, "the agent is stopping"));
    }
}
