using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Core.Node;

/// <summary>What a node's controller reacts to.</summary>
public abstract record NodeInput;

/// <summary>Time passed: monitors and reports fall due.</summary>
public sealed record NodeTick : NodeInput;

/// <summary>
/// A committed cluster state reached this node from the database (the leader's lease). <paramref name="HeardAt"/>:
/// when the lease arrived, if the host handled it later — the lease runs from its arrival, never from its handling.
/// </summary>
public sealed record NodeStateCommitted(ClusterState State, TimeSpan? HeardAt = null) : NodeInput;

/// <summary>This node's membership view changed.</summary>
public sealed record NodeMembershipChanged(MembershipView View) : NodeInput;

/// <summary>A resource action the node asked for finished.</summary>
public sealed record ActionCompleted(long ActionId, ActionResult Result, string Detail) : NodeInput;

/// <summary>A critical device check changed result on this node.</summary>
public sealed record CriticalDeviceChanged(string Device, bool Healthy) : NodeInput;

/// <summary>How an action ended. Monitor and exclusive answer Running / NotRunning; others Success.</summary>
public enum ActionResult
{
    Success,
    /// <summary>Monitor/exclusive: the resource is running here.</summary>
    Running,
    /// <summary>Monitor/exclusive: the resource is not running here (a monitor failure for a started resource).</summary>
    NotRunning,
    /// <summary>The action failed (non-zero exit with an error meaning).</summary>
    Failed,
    /// <summary>The action did not finish within its timeout and was killed: a failure.</summary>
    TimedOut,
}
