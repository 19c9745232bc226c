using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Simulation;

/// <summary>
/// Where a group is right now: from the resource truth (<see cref="RunningOn"/>: nodes running any of its
/// resources; <see cref="FullyRunningOn"/>: nodes running all of them) and from the store (owner, target,
/// active attention).
/// </summary>
public sealed record GroupPlacement(
    string Group,
    IReadOnlyList<string> RunningOn,
    IReadOnlyList<string> FullyRunningOn,
    string? Owner,
    GroupTarget Target,
    bool ActiveAttention)
{
    /// <summary>The one node running all of the group and nothing of it elsewhere, else null.</summary>
    public string? SettledOn => RunningOn.Count == 1 && FullyRunningOn.Count == 1 ? FullyRunningOn[0] : null;

    public override string ToString() =>
        $"{Group}: running on [{string.Join(",", RunningOn)}], owner {Owner ?? "-"} ({Target.ToString().ToLowerInvariant()}{(ActiveAttention ? ", active attention" : "")})";

    internal static IReadOnlyDictionary<string, GroupPlacement> Of(ClusterConfig config, SimResources resources, ClusterState state)
    {
        var result = new Dictionary<string, GroupPlacement>(StringComparer.Ordinal);
        foreach (var group in config.ResourceGroups)
        {
            var any = config.Nodes.Select(n => n.Name).Where(n => group.Resources.Any(r => resources.IsRunning(n, r))).ToList();
            var all = any.Where(n => group.Resources.All(r => resources.IsRunning(n, r))).ToList();
            var record = state.Groups[group.Name];
            result[group.Name] = new GroupPlacement(group.Name, any, all, record.Owner, record.Target, record.ActiveAttention);
        }
        return result;
    }
}
