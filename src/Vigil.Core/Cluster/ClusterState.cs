using System.Collections.Immutable;
using Vigil.Core.Configuration;

namespace Vigil.Core.Cluster;

/// <summary>
/// The cluster database: the replicated facts placement decisions stand on. It changes only by applying
/// <see cref="Decisions.Decision"/> values in commit order (<see cref="ClusterStateReducer"/>), so the same
/// decisions give the same state on every node — today through the simulator's store, later through the log.
/// </summary>
public sealed record ClusterState(
    long Version,
    ImmutableDictionary<string, NodeRecord> Nodes,
    ImmutableDictionary<string, GroupRecord> Groups)
{
    /// <summary>The state of a new cluster: every node unknown and online, every group stopped with its initial domain.</summary>
    public static ClusterState Initial(ClusterConfig config)
    {
        var nodes = config.Nodes.ToImmutableDictionary(
            n => n.Name, n => new NodeRecord(n.Name, NodeHealth.Unknown, NodeAdminState.Online, 0, null), StringComparer.Ordinal);
        var groups = config.ResourceGroups.ToImmutableDictionary(
            g => g.Name,
            g => GroupRecord.Initial(g.Name, config.PolicyOf(g).Domain),
            StringComparer.Ordinal);
        return new ClusterState(0, nodes, groups);
    }

    public IEnumerable<string> FencedNodes => Nodes.Values.Where(n => n.Health == NodeHealth.Fenced).Select(n => n.Name);
}

public enum NodeHealth
{
    /// <summary>Never seen in this cluster's life.</summary>
    Unknown,
    /// <summary>In the membership.</summary>
    Up,
    /// <summary>Left the membership without a clean stop; must be fenced before its groups move.</summary>
    Failed,
    /// <summary>Fenced successfully: it runs nothing until it rejoins.</summary>
    Fenced,
}

/// <summary>What the operator asked of a node.</summary>
public enum NodeAdminState
{
    Online,
    /// <summary>Host nothing: groups move away.</summary>
    Standby,
    /// <summary>Leave resources alone: no starts, stops or monitoring on this node.</summary>
    Maintenance,
}

/// <param name="FenceAttempts">Failed fence attempts since the node failed (drives the back-off).</param>
/// <param name="NextFenceAt">Earliest time of the next fence attempt after a failure.</param>
/// <param name="Incarnation">The agent incarnation that last joined: only it may start groups on the node.</param>
public sealed record NodeRecord(string Name, NodeHealth Health, NodeAdminState Admin, int FenceAttempts, TimeSpan? NextFenceAt, long Incarnation = 0);

public enum GroupTarget { Running, Stopped }

/// <param name="Owner">The node that may be running the group. Cleared only when that node confirmed the stop or was fenced.</param>
/// <param name="Target">Whether the owner should run it (Stopped while a move or release is under way).</param>
/// <param name="Generation">Bumped by every assignment; node reports name it so an old report never confirms a new assignment.</param>
/// <param name="ActiveAttention">Running on a node that is not fully eligible because no eligible node was left (ClusterXL).</param>
/// <param name="RuntimeDomain">The run-time failover domain (FailSafe): output of the failover script, input of its next call.</param>
/// <param name="LastOwner">Where the group last ran (for in-place recovery and round-robin).</param>
/// <param name="FailCounts">Node -> times the group failed there; a node with a count is ineligible until cleared.</param>
/// <param name="Recovering">Set when the cluster formed; the recovery attribute applies until the group next starts.</param>
/// <param name="MoveTo">An operator move under way: the node to assign once the owner stopped.</param>
/// <param name="ReleasedAt">The state version whose decision set <see cref="Target"/> to Stopped: only a report of a
/// node that had applied it may confirm the stop (an older "stopped" may be followed by a restart).</param>
public sealed record GroupRecord(
    string Name,
    string? Owner,
    GroupTarget Target,
    long Generation,
    bool ActiveAttention,
    ImmutableArray<string> RuntimeDomain,
    string? LastOwner,
    ImmutableDictionary<string, int> FailCounts,
    bool Recovering,
    string? MoveTo,
    long ReleasedAt = 0)
{
    public static GroupRecord Initial(string name, IEnumerable<string> domain) =>
        new(name, null, GroupTarget.Stopped, 0, false, [.. domain], null,
            ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal), true, null);
}
