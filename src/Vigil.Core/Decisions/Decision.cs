using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Vigil.Core.Cluster;

namespace Vigil.Core.Decisions;

/// <summary>
/// A decision of the coordinator: a committed fact of the cluster database and a line of `vigil events`.
/// Every decision carries the reason an operator reads (e.g. "webgroup -> n2: n1 failed (…)").
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "decision")]
[JsonDerivedType(typeof(NodeJoined), "node_joined")]
[JsonDerivedType(typeof(NodeFailed), "node_failed")]
[JsonDerivedType(typeof(FenceRequested), "fence_requested")]
[JsonDerivedType(typeof(NodeFenced), "node_fenced")]
[JsonDerivedType(typeof(FenceFailed), "fence_failed")]
[JsonDerivedType(typeof(GroupAssigned), "group_assigned")]
[JsonDerivedType(typeof(GroupReleased), "group_released")]
[JsonDerivedType(typeof(GroupStopped), "group_stopped")]
[JsonDerivedType(typeof(GroupFailed), "group_failed")]
[JsonDerivedType(typeof(RuntimeDomainChanged), "runtime_domain_changed")]
[JsonDerivedType(typeof(GroupMoveRequested), "group_move_requested")]
[JsonDerivedType(typeof(FailbackRequested), "failback_requested")]
[JsonDerivedType(typeof(NodeAdminChanged), "node_admin_changed")]
[JsonDerivedType(typeof(FailuresCleared), "failures_cleared")]
[JsonDerivedType(typeof(ClusterFormed), "cluster_formed")]
public abstract record Decision(string Reason);

/// <summary>
/// The node is in the membership again (or for the first time), running agent incarnation
/// <paramref name="Incarnation"/>: only that incarnation may start groups there (a rebooted node must join again).
/// </summary>
public sealed record NodeJoined(string Node, string Reason, long Incarnation = 0) : Decision(Reason);

/// <summary>The node left the membership uncleanly; its groups stay owned by it until it is fenced.</summary>
public sealed record NodeFailed(string Node, string Reason) : Decision(Reason);

/// <summary>A fence attempt starts (the coordinator runs the node's fence device after this commits).</summary>
public sealed record FenceRequested(string Node, int Attempt, string Reason) : Decision(Reason);

/// <summary>Fencing succeeded: the node runs nothing, so its groups are free to start elsewhere.</summary>
public sealed record NodeFenced(string Node, string Reason) : Decision(Reason);

/// <summary>Fencing failed: its groups stay stopped; retry at <paramref name="RetryAt"/>.</summary>
public sealed record FenceFailed(string Node, int Attempt, TimeSpan RetryAt, string Reason) : Decision(Reason);

/// <summary>The group is to run on the node (a new generation).</summary>
public sealed record GroupAssigned(string Group, string Node, long Generation, bool ActiveAttention, string Reason) : Decision(Reason);

/// <summary>The group's owner is to stop it (a move, standby, failback, or ineligibility).</summary>
public sealed record GroupReleased(string Group, string Node, string Reason) : Decision(Reason);

/// <summary>The owner confirmed the group stopped; the group has no owner now.</summary>
public sealed record GroupStopped(string Group, string Node, string Reason) : Decision(Reason);

/// <summary>The group failed on the node (start failed, or local restarts exhausted) and is stopped there.</summary>
public sealed record GroupFailed(string Group, string Node, string Reason) : Decision(Reason);

/// <summary>The failover script produced a new run-time failover domain.</summary>
public sealed record RuntimeDomainChanged(string Group, ImmutableArray<string> Domain, string Reason) : Decision(Reason);

/// <summary>
/// An operator move: release the group and assign it to <paramref name="Node"/> once stopped. The node stays the
/// group's preferred node (ranked first, also for failback) until a failback request clears it.
/// </summary>
public sealed record GroupMoveRequested(string Group, string Node, string Reason) : Decision(Reason);

/// <summary>An operator asked for failback: forget the moved-to preference; the group goes to the best domain node.</summary>
public sealed record FailbackRequested(string Group, string Reason) : Decision(Reason);

/// <summary>An operator changed a node's admin state (online, standby, maintenance).</summary>
public sealed record NodeAdminChanged(string Node, NodeAdminState State, string Reason) : Decision(Reason);

/// <summary>Failure counts of a group cleared (on one node, or on all when <paramref name="Node"/> is null).</summary>
public sealed record FailuresCleared(string Group, string? Node, string Reason) : Decision(Reason);

/// <summary>The cluster formed (quorum gained with no group running): recovery attributes apply.</summary>
public sealed record ClusterFormed(string Reason) : Decision(Reason);
