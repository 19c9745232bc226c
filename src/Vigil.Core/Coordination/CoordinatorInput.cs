using System.Collections.Immutable;
using Vigil.Core.Cluster;

namespace Vigil.Core.Coordination;

/// <summary>What the coordinator reacts to. The host feeds these with the time they happened.</summary>
public abstract record CoordinatorInput;

/// <summary>Time passed: retries and back-offs fall due.</summary>
public sealed record CoordinatorTick : CoordinatorInput;

/// <summary>The coordinator's node has a new membership view.</summary>
public sealed record MembershipChanged(MembershipView View) : CoordinatorInput;

/// <summary>A new committed cluster state (after decisions were committed, or on taking over).</summary>
public sealed record StateCommitted(ClusterState State) : CoordinatorInput;

/// <summary>A node's status report arrived.</summary>
public sealed record ReportReceived(NodeReport Report) : CoordinatorInput;

/// <summary>A fence device finished.</summary>
public sealed record FenceCompleted(string Node, int Attempt, bool Success, string Detail) : CoordinatorInput;

/// <summary>A custom failover script finished: a new run-time domain, or an error.</summary>
public sealed record FailoverScriptCompleted(string Group, ImmutableArray<string>? Domain, string? Error) : CoordinatorInput;

/// <summary>An operator command (vigil group move, node standby, …).</summary>
public sealed record OperatorRequest(OperatorCommand Command) : CoordinatorInput;

public abstract record OperatorCommand;
public sealed record MoveGroup(string Group, string Node) : OperatorCommand;
public sealed record SetNodeAdmin(string Node, NodeAdminState State) : OperatorCommand;
public sealed record FailbackNow(string Group) : OperatorCommand;
public sealed record ClearFailures(string Group, string? Node) : OperatorCommand;

/// <summary>Fence the node now through its device (`vigil fence NODE`); success frees its groups.</summary>
public sealed record FenceNodeNow(string Node) : OperatorCommand;
