using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Core.Coordination;

public sealed partial class Coordinator
{
    /// <summary>
    /// The group's candidate nodes, best first: the operator's moved-to node, then the run-time failover domain.
    /// With <paramref name="attention"/> false, only fully eligible nodes; with true, only nodes that are
    /// eligible but for failing critical devices (the Active Attention fallback of ClusterXL).
    /// </summary>
    private List<string> Candidates(ClusterState state, GroupRecord group, bool attention) =>
        Ranked(group).Where(n => Ineligibility(state, group, n) is null && HasFailedCriticalDevice(n) == attention).ToList();

    private static IEnumerable<string> Ranked(GroupRecord group) =>
        group.MoveTo is null ? group.RuntimeDomain : group.RuntimeDomain.Remove(group.MoveTo).Insert(0, group.MoveTo);

    /// <summary>Why the node may not host the group, or null if it may (critical devices aside).</summary>
    private string? Ineligibility(ClusterState state, GroupRecord group, string node)
    {
        if (!config.HasNode(node))
            return "not a node";
        if (config.Node(node).Role != NodeRole.Server)
            return "a witness";
        var record = state.Nodes[node];
        if (record.Health != NodeHealth.Up || !seen.View.Contains(node))
            return record.Health.ToString().ToLowerInvariant() switch { "up" => "unreachable", var h => h };
        if (record.Admin != NodeAdminState.Online)
            return record.Admin.ToString().ToLowerInvariant();
        if (group.FailCounts.GetValueOrDefault(node) > 0)
            return $"{group.Name} failed there (cleanup needed)";
        if (!seen.Reports.ContainsKey(node))
            return "not reported yet";
        return null;
    }

    private bool HasFailedCriticalDevice(string node) =>
        seen.Reports.TryGetValue(node, out var report) && report.FailedCriticalDevices.Count > 0;

    private string WhyNowhere(ClusterState state, GroupRecord group) =>
        string.Join(", ", Ranked(group).Select(n => $"{n} {Ineligibility(state, group, n) ?? "has a failing critical device"}"));

    private int Load(ClusterState state, string node) => state.Groups.Values.Count(g => g.Owner == node);
}
