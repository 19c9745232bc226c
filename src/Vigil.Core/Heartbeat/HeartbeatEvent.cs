namespace Vigil.Core.Heartbeat;

/// <summary>A change seen by the <see cref="HeartbeatMonitor"/>, for the agent's log and status.</summary>
/// <param name="At">The monitor time of the input that caused the change.</param>
public abstract record HeartbeatEvent(TimeSpan At);

/// <summary>The peer fell silent on one network (or was never heard on it during the first dead time).</summary>
public sealed record NetworkDown(TimeSpan At, string Peer, string Network) : HeartbeatEvent(At);

/// <summary>The peer was heard on a network that was unknown or down.</summary>
public sealed record NetworkUp(TimeSpan At, string Peer, string Network) : HeartbeatEvent(At);

/// <summary>The peer entered the membership view; <paramref name="Network"/> carried the heartbeat.</summary>
public sealed record PeerJoined(TimeSpan At, string Peer, string Network) : HeartbeatEvent(At);

/// <summary>The peer left the view: silent on every network for the effective dead time.</summary>
/// <param name="SilentFor">Wall time since the peer was last heard on any network (pauses included).</param>
public sealed record PeerLost(TimeSpan At, string Peer, TimeSpan SilentFor) : HeartbeatEvent(At);

/// <summary>The peer's incarnation grew: it restarted since it was last heard. It stays in the view.</summary>
public sealed record PeerRestarted(TimeSpan At, string Peer, long Previous, long Incarnation) : HeartbeatEvent(At);

/// <summary>The local-health multiplier changed (Lifeguard).</summary>
/// <param name="Lateness">How late the tick that changed it was.</param>
public sealed record LocalHealthChanged(TimeSpan At, int Old, int New, TimeSpan Lateness) : HeartbeatEvent(At);
