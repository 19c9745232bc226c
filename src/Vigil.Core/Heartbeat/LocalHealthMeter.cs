using static Vigil.Core.Heartbeat.HeartbeatConstants;

namespace Vigil.Core.Heartbeat;

/// <summary>How one heartbeat tick was judged by the <see cref="LocalHealthMeter"/>.</summary>
/// <param name="Lateness">How late the tick fired, not counting lateness an earlier tick already reported.</param>
/// <param name="Pause">The part of <paramref name="Lateness"/> beyond one heartbeat interval: time this node was not running.</param>
internal readonly record struct TickAssessment(TimeSpan Lateness, TimeSpan Pause, int OldHealth, int NewHealth);

/// <summary>
/// Lifeguard's local-health multiplier (LHM) from the lateness of this node's own heartbeat timer: a node whose
/// timers fire late is itself unhealthy (GC, CPU starvation), so it widens its deadlines instead of accusing peers.
/// +1 per tick later than half an interval (to <see cref="MaxLocalHealth"/>), -1 per
/// <see cref="TimelyTicksPerRecovery"/> consecutive timely ticks (to 0).
/// </summary>
/// <remarks>
/// The host is expected to run a fixed-delay timer (next due = this tick's fire time + interval). A burst of
/// catch-up ticks from a fixed-rate timer is tolerated: lateness is capped by the time since the previous tick,
/// so one stall is counted (and credited) once; the burst's other ticks are neither late nor timely.
/// </remarks>
internal sealed class LocalHealthMeter(TimeSpan interval)
{
    private TimeSpan? lastTickAt;
    private int timelyStreak;

    /// <summary>The current multiplier, 0 (healthy) to <see cref="MaxLocalHealth"/>.</summary>
    public int Value { get; private set; }

    public TickAssessment Observe(TimeSpan now, TimeSpan scheduledAt)
    {
        var raw = now > scheduledAt ? now - scheduledAt : TimeSpan.Zero;
        var lateness = lastTickAt is { } last && now - last < raw ? now - last : raw;
        lastTickAt = now;
        var old = Value;
        var lateAfter = interval / LateTickDivisor;
        if (lateness > lateAfter)
        {
            Value = Math.Min(MaxLocalHealth, Value + 1);
            timelyStreak = 0;
        }
        else if (raw > lateAfter)
            timelyStreak = 0; // a catch-up tick: not a new stall, but not evidence of health either
        else if (++timelyStreak == TimelyTicksPerRecovery)
        {
            Value = Math.Max(0, Value - 1);
            timelyStreak = 0;
        }
        Invariant.Check(Value is >= 0 and <= MaxLocalHealth, "local health multiplier stays within 0..max");
        Invariant.Check(timelyStreak is >= 0 and < TimelyTicksPerRecovery, "timely streak stays below its threshold");
        var pause = lateness > interval ? lateness - interval : TimeSpan.Zero;
        return new TickAssessment(lateness, pause, old, Value);
    }
}
