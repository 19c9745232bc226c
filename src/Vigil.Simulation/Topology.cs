namespace Vigil.Simulation;

/// <summary>
/// Responsible for the truth of who can reach whom: which nodes are up, and the symmetric partition sides.
/// Nodes' membership views lag behind this (see <see cref="IMembershipService"/>); safety checks use this.
/// </summary>
public sealed class Topology
{
    private readonly IReadOnlyList<string> nodes;
    private readonly HashSet<string> down = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> sideOf = new(StringComparer.Ordinal);
    private Dictionary<string, IReadOnlySet<string>>? componentCache;

    public Topology(IReadOnlyList<string> nodeNames)
    {
        nodes = nodeNames;
        foreach (var node in nodes) sideOf[node] = 0;
    }

    /// <summary>Nodes in config order.</summary>
    public IReadOnlyList<string> Nodes => nodes;

    public bool IsUp(string node) => !down.Contains(node);

    public bool IsPartitioned => sideOf.Values.Any(s => s != 0);

    public bool Connected(string a, string b) => IsUp(a) && IsUp(b) && sideOf[a] == sideOf[b];

    /// <summary>The live nodes the node can reach, itself included (empty when it is down).</summary>
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

    public void Heal()
    {
        foreach (var node in nodes) sideOf[node] = 0;
        componentCache = null;
    }

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>(StringComparer.Ordinal);

    private Dictionary<string, IReadOnlySet<string>> BuildComponents()
    {
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!IsUp(node) || result.ContainsKey(node)) continue;
            var component = nodes.Where(n => Connected(node, n)).ToHashSet(StringComparer.Ordinal);
            foreach (var member in component) result[member] = component;
        }
        return result;
    }
}
