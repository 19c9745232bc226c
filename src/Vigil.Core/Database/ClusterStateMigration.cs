using System.Collections.Immutable;
using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Core.Database;

/// <summary>
/// Carries the cluster state over to a new configuration version: records of nodes and groups that remain are
/// kept (owners, fail counts, admin states; the run-time domain unless the policy's domain changed), new ones start as in a new cluster, removed ones are dropped
/// (<see cref="ConfigChangeRules"/> refuses removing anything that still runs). The version grows by one, so a
/// coordinator batch computed before the change never applies after it.
/// </summary>
public static class ClusterStateMigration
{
    public static ClusterState To(ClusterState state, ClusterConfig previous, ClusterConfig config)
    {
        var nodes = config.Nodes.ToImmutableDictionary(
            n => n.Name,
            n => state.Nodes.TryGetValue(n.Name, out var kept) ? kept : new NodeRecord(n.Name, NodeHealth.Unknown, NodeAdminState.Online, 0, null),
            StringComparer.Ordinal);
        var groups = config.ResourceGroups.ToImmutableDictionary(
            g => g.Name,
            g => state.Groups.TryGetValue(g.Name, out var kept) ? Carry(kept, previous, config, g) : GroupRecord.Initial(g.Name, config.PolicyOf(g).Domain),
            StringComparer.Ordinal);
        return new ClusterState(state.Version + 1, nodes, groups);
    }

    /// <summary>A group's record under the new version; a changed failover domain restarts its run-time domain.</summary>
    private static GroupRecord Carry(GroupRecord group, ClusterConfig previous, ClusterConfig config, ResourceGroupConfig groupConfig)
    {
        var domain = config.PolicyOf(groupConfig).Domain;
        var before = previous.HasGroup(groupConfig.Name) ? previous.PolicyOf(previous.Group(groupConfig.Name)).Domain : [];
        var runtime = before.SequenceEqual(domain, StringComparer.Ordinal) ? group.RuntimeDomain : [.. domain];
        return group with
        {
            RuntimeDomain = runtime,
            MoveTo = group.MoveTo is { } m && domain.Contains(m) ? m : null,
            LastOwner = group.LastOwner is { } l && config.HasNode(l) ? l : null,
            FailCounts = group.FailCounts.RemoveRange(group.FailCounts.Keys.Where(n => !config.HasNode(n)).ToList()),
        };
    }
}
