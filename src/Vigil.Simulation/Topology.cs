namespace Vigil.Simulation;

/// <summary>
/// Responsible for the truth of who can reach whom: which nodes are up, the partition sides, and one-way link
/// cuts (from → to dropped while to → from still works). Nodes' membership views lag behind this (see
/// <see cref="IMembershipService"/>); safety checks use this.
/// </summary>
public sealed class Topology
{
    private readonly IReadOnlyList<string> nodes;
    private readonly HashSet<string> down = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> sideOf = new(StringComparer.Ordinal);
    private readonly SortedSet<(string From, string To)> cuts = new(LinkOrder.Instance);
    private Dictionary<string, IReadOnlySet<string>>? componentCache;

    public Topology(IReadOnlyList<string> nodeNames)
    {
        nodes = nodeNames;
        foreach (var node in nodes) sideOf[node] = 0;
    }

    /// <summary>Nodes in config order.</summary>
    public IReadOnlyList<string> Nodes => nodes;

    public bool IsUp(string node) => !down.Contains(node);

    public bool IsPartitioned => sideOf.Values.Any(s => s != 0) || cuts.Count > 0;

    /// <summary>Whether some link is cut in one direction only.</summary>
    public bool HasOneWayCuts => cuts.Count > 0;

    /// <summary>The one-way cuts in place, in ordinal order.</summary>
    public IReadOnlyCollection<(string From, string To)> OneWayCuts => cuts;

    /// <summary>Whether the network carries messages from <paramref name="from"/> to <paramref name="to"/> (whether they are up is not asked).</summary>
    public bool LinkUp(string from, string to) => from == to || (sideOf[from] == sideOf[to] && !cuts.Contains((from, to)));

    /// <summary>Both up and the link works both ways.</summary>
    public bool Connected(string a, string b) => IsUp(a) && IsUp(b) && LinkUp(a, b) && LinkUp(b, a);

    /// <summary>The live nodes the node can reach both ways (transitively), itself included; empty when it is down.</summary>
    public IReadOnlySet<string> ComponentOf(string node)
    {
        componentCache ??= BuildComponents();
        return componentCache.TryGetValue(node, out var component) ? component : EmptySet;
    }

    /// <summary>The distinct components of live nodes, ordered by their first node in config order.</summary>
    public IReadOnlyList<IReadOnlySet<string>> Components()
    {
        var result = new List<IReadOnlySet<string>>();
        foreach (var node in nodes)
            if (IsUp(node) && !result.Any(c => c.Contains(node)))
                result.Add(ComponentOf(node));
        return result;
    }

    public void SetUp(string node, bool up)
    {
        if (up) down.Remove(node); else down.Add(node);
        componentCache = null;
    }

    public void Partition(IReadOnlyList<IReadOnlyList<string>> sides)
    {
        foreach (var node in nodes) sideOf[node] = sides.Count + 1;
        for (var i = 0; i < sides.Count; i++)
            foreach (var node in sides[i])
            {
                if (!sideOf.ContainsKey(node)) throw new ArgumentException($"partition names unknown node '{node}'", nameof(sides));
                sideOf[node] = i + 1;
            }
        componentCache = null;
    }

    /// <summary>Messages from <paramref name="from"/> to <paramref name="to"/> are dropped from now on (the reverse still flows).</summary>
    public void Cut(string from, string to)
    {
        if (!sideOf.ContainsKey(from) || !sideOf.ContainsKey(to)) throw new ArgumentException($"cut names an unknown node ({from} -> {to})");
        if (from == to) throw new ArgumentException($"cut from {from} to itself");
        cuts.Add((from, to));
        componentCache = null;
    }

    /// <summary>Removes every partition and every one-way cut.</summary>
    public void Heal()
    {
        foreach (var node in nodes) sideOf[node] = 0;
        cuts.Clear();
        componentCache = null;
    }

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>(StringComparer.Ordinal);

    private Dictionary<string, IReadOnlySet<string>> BuildComponents()
    {
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!IsUp(node) || result.ContainsKey(node)) continue;
            var component = new HashSet<string>(StringComparer.Ordinal) { node };
            var frontier = new Queue<string>([node]);
            while (frontier.TryDequeue(out var at))
                foreach (var next in nodes)
                    if (!component.Contains(next) && Connected(at, next))
                    {
                        component.Add(next);
                        frontier.Enqueue(next);
                    }
            foreach (var member in component) result[member] = component;
        }
        return result;
    }

    /// <summary>Ordinal order of links, for deterministic iteration.</summary>
    private sealed class LinkOrder : IComparer<(string From, string To)>
    {
        public static readonly LinkOrder Instance = new();

        public int Compare((string From, string To) x, (string From, string To) y)
        {
            var byFrom = string.CompareOrdinal(x.From, y.From);
            return byFrom != 0 ? byFrom : string.CompareOrdinal(x.To, y.To);
        }
    }
}
