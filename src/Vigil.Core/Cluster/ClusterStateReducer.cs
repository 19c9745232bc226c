using System.Collections.Immutable;
using Vigil.Core.Decisions;

namespace Vigil.Core.Cluster;

/// <summary>
/// Applies one committed decision to the cluster state. Pure and total: the same decisions in the same order
/// give the same state everywhere. Each decision bumps the version by one.
/// </summary>
public static class ClusterStateReducer
{
    public static ClusterState Apply(ClusterState state, Decision decision)
    {
        var next = decision switch
        {
            NodeJoined d => UpdateNode(state, d.Node, n => n with { Health = NodeHealth.Up, FenceAttempts = 0, NextFenceAt = null, Incarnation = d.Incarnation }),
            NodeFailed d => UpdateNode(state, d.Node, n => n with { Health = NodeHealth.Failed }),
            FenceRequested => state,
            NodeFenced d => FreeGroupsOf(UpdateNode(state, d.Node, n => n with { Health = NodeHealth.Fenced, FenceAttempts = 0, NextFenceAt = null }), d.Node),
            FenceFailed d => UpdateNode(state, d.Node, n => n with { FenceAttempts = d.Attempt, NextFenceAt = d.RetryAt }),
            GroupAssigned d => Assign(state, d),
            GroupReleased d => UpdateGroup(state, d.Group, g => g with { Target = GroupTarget.Stopped, ReleasedAt = state.Version + 1 }),
            GroupStopped d => UpdateGroup(state, d.Group, g => Freed(g, d.Node)),
            GroupFailed d => UpdateGroup(state, d.Group, g => Freed(g, d.Node) with { FailCounts = Increment(g.FailCounts, d.Node) }),
            RuntimeDomainChanged d => UpdateGroup(state, d.Group, g => g with { RuntimeDomain = d.Domain }),
            GroupMoveRequested d => UpdateGroup(state, d.Group, g => g with
            {
                MoveTo = d.Node,
                Target = g.Owner is not null && g.Owner != d.Node ? GroupTarget.Stopped : g.Target,
                ReleasedAt = g.Owner is not null && g.Owner != d.Node ? state.Version + 1 : g.ReleasedAt,
            }),
            FailbackRequested d => UpdateGroup(state, d.Group, g => g with { MoveTo = null }),
            NodeAdminChanged d => UpdateNode(state, d.Node, n => n with { Admin = d.State }),
            FailuresCleared d => UpdateGroup(state, d.Group, g => g with
            {
                FailCounts = d.Node is null ? g.FailCounts.Clear() : g.FailCounts.Remove(d.Node),
            }),
            ClusterFormed => state with { Groups = state.Groups.ToImmutableDictionary(kv => kv.Key, kv => kv.Value with { Recovering = true }, StringComparer.Ordinal) },
            _ => throw new InvariantViolationException($"unknown decision {decision.GetType().Name}"),
        };
        return next with { Version = state.Version + 1 };
    }

    public static ClusterState ApplyAll(ClusterState state, IEnumerable<Decision> decisions) =>
        decisions.Aggregate(state, Apply);

    private static ClusterState Assign(ClusterState state, GroupAssigned d)
    {
        var group = state.Groups[d.Group];
        Invariant.Check(group.Owner is null, $"{d.Group} assigned to {d.Node} while {group.Owner} may still run it");
        Invariant.Check(d.Generation > group.Generation, $"{d.Group} assignment generation must grow");
        return UpdateGroup(state, d.Group, g => g with
        {
            Owner = d.Node,
            Target = GroupTarget.Running,
            Generation = d.Generation,
            ActiveAttention = d.ActiveAttention,
            Recovering = false,
        });
    }

    private static GroupRecord Freed(GroupRecord g, string node)
    {
        Invariant.Check(g.Owner == node, $"{g.Name} freed by {node} but owned by {g.Owner ?? "nobody"}");
        return g with { Owner = null, Target = GroupTarget.Stopped, LastOwner = node, ActiveAttention = false };
    }

    private static ClusterState FreeGroupsOf(ClusterState state, string node)
    {
        var groups = state.Groups;
        foreach (var g in state.Groups.Values.Where(g => g.Owner == node))
            groups = groups.SetItem(g.Name, Freed(g, node));
        return state with { Groups = groups };
    }

    private static ImmutableDictionary<string, int> Increment(ImmutableDictionary<string, int> counts, string node) =>
        counts.SetItem(node, counts.GetValueOrDefault(node) + 1);

    private static ClusterState UpdateNode(ClusterState state, string node, Func<NodeRecord, NodeRecord> change) =>
        state with { Nodes = state.Nodes.SetItem(node, change(state.Nodes[node])) };

    private static ClusterState UpdateGroup(ClusterState state, string group, Func<GroupRecord, GroupRecord> change) =>
        state with { Groups = state.Groups.SetItem(group, change(state.Groups[group])) };
}
