namespace Vigil.Cli.Agent;

/// <summary>
/// The loop's bounded inbox: any thread posts (waking the loop or not), the loop takes with a timeout. A plain monitor wait — unlike
/// BlockingCollection/SemaphoreSlim it does not spin before sleeping, which at 100 timed waits a second would
/// cost an idle agent several percent of a core.
/// </summary>
internal sealed class EventQueue(int capacity)
{
    private readonly Queue<AgentEvent> items = new();
    private readonly object gate = new();
    private bool tickDue;

    /// <summary>
    /// False when the queue is full (the caller counts the drop). Without <paramref name="wake"/> the item waits for
    /// the taker's next timed wake-up (a routine message: the loop's next tick) or for a later item that wakes it.
    /// </summary>
    public bool TryAdd(AgentEvent item, bool wake = true)
    {
        lock (gate)
        {
            if (items.Count >= capacity) return false;
            items.Enqueue(item);
            if (wake) Monitor.Pulse(gate); // cheap when nobody waits: no system call
            return true;
        }
    }

    /// <summary>Marks the taker's tick as due and wakes it (the heartbeat thread, once per heartbeat).</summary>
    public void RequestTick()
    {
        lock (gate)
        {
            tickDue = true;
            Monitor.Pulse(gate);
        }
    }

    /// <summary>Whether a tick was requested since the last call (and clears the request).</summary>
    public bool TakeTickRequest()
    {
        lock (gate)
        {
            var due = tickDue;
            tickDue = false;
            return due;
        }
    }

    /// <summary>The next event, waiting at most <paramref name="timeout"/> for one or for a tick request.</summary>
    public bool TryTake(out AgentEvent? item, TimeSpan timeout)
    {
        lock (gate)
        {
            // Monitor.Wait counts whole milliseconds: round up, or a sub-millisecond wait would return at once and spin.
            if (items.Count == 0 && !tickDue && timeout > TimeSpan.Zero) Monitor.Wait(gate, (int)Math.Ceiling(timeout.TotalMilliseconds));
            return items.TryDequeue(out item);
        }
    }
}
