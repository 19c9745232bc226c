using Vigil.Core.Cluster;
using Vigil.Core.Consensus;
using Vigil.Core.Coordination;
using Vigil.Core.Node;

namespace Vigil.Simulation;

/// <summary>An entry of the event queue. Events aimed at a node's life carry its incarnation and are void after a restart.</summary>
internal abstract record SimEvent;

/// <summary>A node boots (at time 0, or when restarted).</summary>
internal sealed record NodeBootDue(string Node) : SimEvent;

/// <summary>A node's heartbeat tick: membership poll, one Raft tick, leases, controller tick, coordinator tick.</summary>
internal sealed record NodeTickDue(string Node, long Incarnation) : SimEvent;

/// <summary>A network (or local) message reaches its receiver.</summary>
internal sealed record MessageArrives(SimMessage Message) : SimEvent;

/// <summary>A resource action finishes (its result is computed from the resource truth then).</summary>
internal sealed record ActionFinishes(string Node, long Incarnation, RunAction Action, bool TimedOut) : SimEvent;

/// <summary>A fence device finished for a coordinator (its result reaches only the coordinator life that asked).</summary>
internal sealed record FenceFinishes(string Coordinator, long Incarnation, long CoordinatorLife, FenceNode Effect, bool Success, string Detail) : SimEvent;

/// <summary>A custom failover script finished for a coordinator (its result reaches only the coordinator life that asked).</summary>
internal sealed record ScriptFinishes(string Coordinator, long Incarnation, long CoordinatorLife, FailoverScriptCompleted Result) : SimEvent;

/// <summary>A fenced or self-fenced node powers on again, unless it booted meanwhile.</summary>
internal sealed record RebootDue(string Node, long CrashedIncarnation) : SimEvent;

/// <summary>A timeline action falls due.</summary>
internal sealed record ActionInjected(SimAction Action) : SimEvent;

/// <summary>
/// A message between hosts. A local one (to itself) is pinned to the receiver's life <paramref name="ToIncarnation"/>;
/// a network one reaches whatever life of the receiver is up when it arrives, if the link still carries it.
/// </summary>
internal sealed record SimMessage(string From, string To, long ToIncarnation, bool Local, MessagePayload Payload);

internal abstract record MessagePayload;

/// <summary>A Raft message.</summary>
internal sealed record RaftPush(RaftMessage Message) : MessagePayload;

/// <summary>
/// The leader's lease renewal (the agent's LeaseMessage): its term, the committed state and config versions,
/// and the nodes of its membership view it grants the lease to.
/// </summary>
internal sealed record LeasePush(long Term, long StateVersion, long ConfigVersion, IReadOnlySet<string> Granted) : MessagePayload;

/// <summary>A node's report for the coordinator on its Raft leader.</summary>
internal sealed record ReportPush(NodeReport Report) : MessagePayload;
