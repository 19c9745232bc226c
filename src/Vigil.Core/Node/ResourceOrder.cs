using System.Collections.Immutable;
using Vigil.Core.Configuration;

namespace Vigil.Core.Node;

/// <summary>Start order of a group's resources: dependencies first, otherwise the order the group lists them.</summary>
public static class ResourceOrder
{
    public static ImmutableArray<string> StartOrder(ClusterConfig config, ResourceGroupConfig group)
    {
        var members = group.Resources.ToHashSet(StringComparer.Ordinal);
        var placed = new List<string>(group.Resources.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (placed.Count < group.Resources.Count)
        {
            var next = group.Resources.FirstOrDefault(r => !done.Contains(r)
                && config.Resource(r).DependsOn.Where(members.Contains).All(done.Contains));
            Invariant.Check(next is not null, $"dependency cycle in group {group.Name} (validation should have refused it)");
            placed.Add(next!);
            done.Add(next!);
        }
        return [.. placed];
    }

    /// <summary>The resource and everything in the group that depends on it, in start order.</summary>
    public static ImmutableArray<string> WithDependents(ClusterConfig config, ImmutableArray<string> order, string resource)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal) { resource };
        foreach (var r in order)
        {
            if (config.Resource(r).DependsOn.Any(affected.Contains))
                affected.Add(r);
        }
        return [.. order.Where(affected.Contains)];
    }
}
