namespace Vigil.Core.Heartbeat;

/// <summary>
/// The heartbeat detector's fixed tuning. The user-facing knobs are in
/// <see cref="Configuration.TimingConfig"/>; these shape how the detector uses them and why.
/// </summary>
public static class HeartbeatConstants
{
    /// <summary>
    /// Highest local-health multiplier (LHM). Lifeguard's default maximum: enough headroom to ride out
    /// several seconds of starvation without making detection unbounded.
    /// </summary>
    public const int MaxLocalHealth = 8;

    /// <summary>
    /// A tick later than <c>HeartbeatInterval / LateTickDivisor</c> is late and raises LHM by one. Half an
    /// interval is far above normal timer jitter yet well below the point where a peer's heartbeat is missed.
    /// </summary>
    public const int LateTickDivisor = 2;

    /// <summary>
    /// Consecutive timely ticks that lower LHM by one. Eight keeps recovery slower than degradation (a node that
    /// stalled once is likely to stall again soon) while still returning from LHM 8 to 0 in 64 intervals.
    /// </summary>
    public const int TimelyTicksPerRecovery = 8;

    /// <summary>
    /// Cap on the dead-time scale <c>1 + LHM</c>: the effective dead time never exceeds this many dead times,
    /// which bounds how long a really dead peer can stay in the view.
    /// </summary>
    public const int MaxDeadTimeScale = 8;

    /// <summary>
    /// A network is fresh for control traffic while the peer was heard on it less than this many heartbeat
    /// intervals ago: two missed heartbeats are jitter, the third moves control traffic to the next network
    /// (and it returns on the first heartbeat) long before the dead time declares the network down.
    /// </summary>
    public const int FreshIntervals = 3;

    /// <summary>Pending events kept between two <see cref="HeartbeatMonitor.TakeEvents"/>; older ones are dropped.</summary>
    public const int EventCapacity = 1024;
}
