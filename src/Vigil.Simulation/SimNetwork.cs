namespace Vigil.Simulation;

/// <summary>
/// Responsible for when (and whether) a message arrives: base delay 1–5 ms; with faults, drops, duplicates,
/// delays up to a maximum, and reordering. Without reordering each link is FIFO; with it, every copy gets an
/// independent delay. Partitions and crashed receivers are the caller's check (they depend on the truth).
/// </summary>
internal sealed class SimNetwork(Random random)
{
    private const int BaseDelayMinMs = 1;
    private const int BaseDelayMaxMs = 5;
    private const int DelayMaxMsLimit = 10_000;

    private readonly Dictionary<(string From, string To), TimeSpan> lastArrival = [];
    private SimAction.NetworkFaults faults = None;

    public static readonly SimAction.NetworkFaults None = new(0, 0, 0, false);

    public SimAction.NetworkFaults Faults
    {
        get => faults;
        set
        {
            if (value.DropPercent is < 0 or > 100 || value.DuplicatePercent is < 0 or > 100 || value.DelayMaxMs is < 0 or > DelayMaxMsLimit)
                throw new ArgumentOutOfRangeException(nameof(value), value, "percentages 0–100, delay 0–10000 ms");
            faults = value;
        }
    }

    /// <summary>The arrival times of the copies of one message sent now (none when dropped).</summary>
    public IReadOnlyList<TimeSpan> Plan(TimeSpan now, string from, string to)
    {
        if (faults.DropPercent > 0 && random.Next(100) < faults.DropPercent) return [];
        var copies = faults.DuplicatePercent > 0 && random.Next(100) < faults.DuplicatePercent ? 2 : 1;
        var arrivals = new TimeSpan[copies];
        for (var i = 0; i < copies; i++) arrivals[i] = Arrival(now, from, to);
        return arrivals;
    }

    private TimeSpan Arrival(TimeSpan now, string from, string to)
    {
        var maxMs = Math.Max(BaseDelayMaxMs, faults.DelayMaxMs);
        var at = now + TimeSpan.FromMilliseconds(random.Next(BaseDelayMinMs, maxMs + 1));
        if (faults.Reorder) return at;
        if (lastArrival.TryGetValue((from, to), out var last) && last > at) at = last;
        lastArrival[(from, to)] = at;
        return at;
    }
}
