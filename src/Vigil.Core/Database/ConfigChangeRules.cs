using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Core.Database;

/// <summary>
/// What a new configuration version may change on a running cluster. Checked by `vigil config apply` before it
/// proposes, and again when the entry applies (so every node refuses the same versions).
/// </summary>
public static class ConfigChangeRules
{
    public static IEnumerable<string> Check(ClusterConfig current, ClusterState state, ClusterConfig next)
    {
        if (next.Cluster.Name != current.Cluster.Name)
            yield return $"cluster.name cannot change on a running cluster ('{current.Cluster.Name}' -> '{next.Cluster.Name}')";
        if (next.Cluster.Id != current.Cluster.Id)
            yield return $"cluster.id cannot change on a running cluster ({current.Cluster.Id} -> {next.Cluster.Id}): nodes would drop each other's packets";
        var before = current.Voters.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var after = next.Voters.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var added = after.Except(before).Order(StringComparer.Ordinal).ToList();
        var removed = before.Except(after).Order(StringComparer.Ordinal).ToList();
        if (added.Count + removed.Count > 1)
            yield return $"nodes change by more than one ({Describe(added, removed)}): add or remove one node per config version, so quorums always overlap";
        foreach (var group in state.Groups.Values.Where(g => g.Owner is not null).OrderBy(g => g.Name, StringComparer.Ordinal))
        {
            if (!next.HasGroup(group.Name))
                yield return $"resource group {group.Name} cannot be removed while it runs on {group.Owner}";
            else if (removed.Contains(group.Owner!))
                yield return $"node {group.Owner} cannot be removed while it runs resource group {group.Name}";
        }
    }

    private static string Describe(List<string> added, List<string> removed) =>
        string.Join("; ", new[]
        {
            added.Count > 0 ? "adds " + string.Join(", ", added) : null,
            removed.Count > 0 ? "removes " + string.Join(", ", removed) : null,
        }.Where(s => s is not null));
}
