using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Core.Node;

namespace Vigil.Simulation;

/// <summary>An entry of the event queue. Events aimed at a node's life carry its incarnation and are void after a restart.</summary>
internal abstract record SimEvent;

/// <summary>A node boots (at time 0, or when restarted).</summary>
internal sealed record NodeBootDue(string Node) : SimEvent;

/// <summary>A node's heartbeat tick: membership poll, controller tick, coordinator tick.</summary>
internal sealed record NodeTickDue(string Node, long Incarnation) : SimEvent;

/// <summary>The store re-sends the latest state to every node that lacks it.</summary>
internal sealed record StoreHeartbeatDue : SimEvent;

/// <summary>A network (or local) message reaches its receiver.</summary>
internal sealed record MessageArrives(SimMessage Message) : SimEvent;

/// <summary>A resource action finishes (its result is computed from the resource truth then).</summary>
internal sealed record ActionFinishes(string Node, long Incarnation, RunAction Action, bool TimedOut) : SimEvent;

/// <summary>A fence device finished for a coordinator.</summary>
internal sealed record FenceFinishes(string Coordinator, long Incarnation, FenceNode Effect, bool Success, string Detail) : SimEvent;

/// <summary>A custom failover script finished for a coordinator.</summary>
internal sealed record ScriptFinishes(string Coordinator, long Incarnation, FailoverScriptCompleted Result) : SimEvent;

/// <summary>A fenced or self-fenced node powers on again, unless it booted meanwhile.</summary>
internal sealed record RebootDue(string Node, long CrashedIncarnation) : SimEvent;

/// <summary>A timeline action falls due.</summary>
internal sealed record ActionInjected(SimAction Action) : SimEvent;

/// <summary>A message between hosts. <paramref name="ToIncarnation"/> pins it to one life of the receiver.</summary>
internal sealed record SimMessage(string From, string To, long ToIncarnation, bool Local, MessagePayload Payload);

internal abstract record MessagePayload;

/// <summary>A committed cluster state pushed to a node.</summary>
internal sealed record StatePush(ClusterState State) : MessagePayload;

/// <summary>A node's report for the coordinator it believes elected.</summary>
internal sealed record ReportPush(NodeReport Report) : MessagePayload;
