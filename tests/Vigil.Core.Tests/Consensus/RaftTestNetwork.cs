using System.Text;
using Vigil.Core.Consensus;

namespace Vigil.Core.Tests.Consensus;

/// <summary>
/// An in-memory cluster of <see cref="RaftNode"/>s for tests. After every input to a node it takes the node's
/// Ready, persists it on the node's <see cref="RaftTestHost"/>, queues its messages in <see cref="InFlight"/> and
/// applies its committed entries. Messages move only when a test delivers them (all, some, or one by index —
/// reordering), and can be dropped or duplicated; partitions and crashed nodes drop messages at delivery.
/// A restart rebuilds a node from what its host persisted.
/// </summary>
internal sealed class RaftTestNetwork
{
    private readonly HashSet<(string From, string To)> blocked = [];
    private readonly HashSet<string> down = new(StringComparer.Ordinal);
    private readonly int seed;
    private int incarnations;

    public RaftTestNetwork(IEnumerable<string> ids, RaftOptions? options = null, int seed = 1, RaftMembership? bootstrap = null)
    {
        var list = ids.ToList();
        Options = options ?? new RaftOptions();
        Bootstrap = bootstrap ?? RaftMembership.Of(list);
        this.seed = seed;
        foreach (var id in list) Add(id, Bootstrap);
    }

    public static RaftTestNetwork Of(int count, RaftOptions? options = null, int seed = 1, string? tiebreaker = null)
    {
        var ids = Enumerable.Range(1, count).Select(i => $"n{i}").ToList();
        return new RaftTestNetwork(ids, options, seed, RaftMembership.Of(ids, tiebreaker));
    }

    public RaftOptions Options { get; }

    public RaftMembership Bootstrap { get; }

    public SortedDictionary<string, RaftNode> Nodes { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, RaftTestHost> Hosts { get; } = new(StringComparer.Ordinal);

    public List<RaftMessage> InFlight { get; } = [];

    /// <summary>Raised with the node's id after each Ready it hands over (before it is persisted and applied).</summary>
    public event Action<string, RaftReady>? ReadyTaken;

    /// <summary>Raised with the node's id after each input to it (tick, message, proposal, restart…) once its Ready is processed.</summary>
    public event Action<string>? InputProcessed;

    public RaftNode this[string id] => Nodes[id];

    public IEnumerable<string> Ids => Nodes.Keys;

    public bool IsUp(string id) => !down.Contains(id);

    /// <summary>Starts a node with empty storage.</summary>
    public void Add(string id, RaftMembership bootstrap)
    {
        Hosts[id] = new RaftTestHost();
        Nodes[id] = new RaftNode(id, bootstrap, RaftRestore.Empty, Options, NextSeed());
        Pump(id);
    }

    /// <summary>Crash and restart: the node is rebuilt from its host's storage; its state machine from its snapshot.</summary>
    public void Restart(string id, RaftMembership? bootstrap = null)
    {
        down.Remove(id);
        var host = Hosts[id];
        host.Restart();
        Nodes[id] = new RaftNode(id, bootstrap ?? Bootstrap, host.ToRestore(), Options, NextSeed());
        Pump(id);
    }

    /// <summary>The node stops: it gets no ticks, and messages to it are dropped, until <see cref="Restart"/>.</summary>
    public void Crash(string id) => down.Add(id);

    public void Tick(string id)
    {
        if (!IsUp(id)) return;
        Nodes[id].Tick();
        Pump(id);
    }

    public void TickAll(int times = 1)
    {
        for (var i = 0; i < times; i++)
            foreach (var id in Ids) Tick(id);
    }

    public long? Propose(string id, string data)
    {
        var index = Nodes[id].Propose(Encoding.UTF8.GetBytes(data));
        Pump(id);
        return index;
    }

    public long? ProposeMembership(string id, RaftMembership next)
    {
        var index = Nodes[id].ProposeMembership(next, Encoding.UTF8.GetBytes("membership " + next));
        Pump(id);
        return index;
    }

    /// <summary>The host applied through its applied index and compacts the node's log there.</summary>
    public void Compact(string id)
    {
        var host = Hosts[id];
        var node = Nodes[id];
        if (host.AppliedIndex <= (node.LatestSnapshot?.Index ?? 0)) return;
        node.Compact(host.AppliedIndex, host.SnapshotData());
        host.StoreSnapshot(node.LatestSnapshot!);
        Pump(id);
    }

    /// <summary>Feeds one message to its addressee (unless it is down or the link is blocked).</summary>
    public void Deliver(RaftMessage message)
    {
        if (!CanReach(message.From, message.To) || !Nodes.ContainsKey(message.To)) return;
        Nodes[message.To].Step(message);
        Pump(message.To);
    }

    /// <summary>Delivers the in-flight message at <paramref name="index"/>; with <paramref name="keep"/> a copy stays in flight (duplication).</summary>
    public void DeliverAt(int index, bool keep = false)
    {
        var message = InFlight[index];
        if (!keep) InFlight.RemoveAt(index);
        Deliver(message);
    }

    /// <summary>
    /// Delivers in-flight messages (those matching <paramref name="filter"/>; the others stay) in order, and what
    /// they cause, until none is left; returns how many were delivered.
    /// </summary>
    public int DeliverAll(Func<RaftMessage, bool>? filter = null, int limit = 100_000)
    {
        var delivered = 0;
        while (delivered < limit)
        {
            var at = filter is null ? (InFlight.Count > 0 ? 0 : -1) : InFlight.FindIndex(m => filter(m));
            if (at < 0) break;
            DeliverAt(at);
            delivered++;
        }
        return delivered;
    }

    public void Drop(Func<RaftMessage, bool>? filter = null) => InFlight.RemoveAll(m => filter is null || filter(m));

    /// <summary>Cuts the network into groups: messages between groups are dropped. Nodes in no group are cut from all.</summary>
    public void Partition(params string[][] groups)
    {
        Heal();
        var groupOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var g = 0; g < groups.Length; g++)
            foreach (var id in groups[g]) groupOf[id] = g;
        foreach (var a in Ids)
            foreach (var b in Ids)
                if (a != b && (!groupOf.TryGetValue(a, out var ga) || !groupOf.TryGetValue(b, out var gb) || ga != gb)) blocked.Add((a, b));
    }

    /// <summary>Cuts <paramref name="id"/> from every other node.</summary>
    public void Isolate(string id)
    {
        foreach (var other in Ids)
        {
            if (other == id) continue;
            blocked.Add((id, other));
            blocked.Add((other, id));
        }
    }

    public void Heal() => blocked.Clear();

    public bool CanReach(string from, string to) => IsUp(to) && IsUp(from) && !blocked.Contains((from, to));

    /// <summary>Ticks everyone and delivers everything, <paramref name="rounds"/> times.</summary>
    public void Run(int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            TickAll();
            DeliverAll();
        }
    }

    /// <summary>Runs until exactly one node leads among the live ones and its no-op is committed; returns it.</summary>
    public string ElectLeader(int maxRounds = 200)
    {
        for (var i = 0; i < maxRounds; i++)
        {
            DeliverAll();
            var leaders = Ids.Where(id => IsUp(id) && Nodes[id].LeaderReady).ToList();
            if (leaders.Count == 1) return leaders[0];
            TickAll();
        }
        throw new InvalidOperationException("no leader elected");
    }

    /// <summary>Lets every given node's leader lease lapse: ElectionTicks ticks each, dropping whatever they send meanwhile.</summary>
    public void ExpireLeases(params string[] ids)
    {
        for (var i = 0; i < Options.ElectionTicks; i++)
            foreach (var id in ids) Tick(id);
        Drop(m => ids.Contains(m.From));
    }

    /// <summary>
    /// Ticks only <paramref name="id"/>, delivering everything (that <paramref name="filter"/> lets through) after
    /// each tick, until it leads in a term later than its current one.
    /// </summary>
    public void Campaign(string id, Func<RaftMessage, bool>? filter = null, int maxTicks = 200)
    {
        var node = Nodes[id];
        var from = node.Term;
        for (var i = 0; i < maxTicks && !(node.Role == RaftRole.Leader && node.Term > from); i++)
        {
            Tick(id);
            DeliverAll(filter);
        }
        Assert.True(node.Role == RaftRole.Leader && node.Term > from, $"{id} did not get elected");
    }

    private void Pump(string id)
    {
        var node = Nodes[id];
        while (node.HasReady)
        {
            var ready = node.TakeReady();
            ReadyTaken?.Invoke(id, ready);
            var host = Hosts[id];
            host.Persist(ready);
            InFlight.AddRange(ready.Messages);
            host.Apply(ready);
        }
        InputProcessed?.Invoke(id);
    }

    private int NextSeed() => unchecked(seed * 7919 + incarnations++);
}
