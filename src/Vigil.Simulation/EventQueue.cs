namespace Vigil.Simulation;

/// <summary>
/// Responsible for the order of everything: one priority queue of events by (time, sequence number), so events at
/// the same time run in the order they were scheduled and a run is a pure function of its seed and timeline.
/// </summary>
internal sealed class EventQueue(int capacity)
{
    private readonly PriorityQueue<SimEvent, EventKey> queue = new();
    private long sequence;

    public int Count => queue.Count;

    public void Push(TimeSpan at, SimEvent item)
    {
        if (queue.Count >= capacity)
            throw new SimulationLimitException($"event queue is full ({capacity} events waiting); something schedules without end");
        queue.Enqueue(item, new EventKey(at, sequence++));
    }

    /// <summary>The next event due at or before <paramref name="until"/>, if any.</summary>
    public bool TryPop(TimeSpan until, out TimeSpan at, out SimEvent item)
    {
        if (queue.TryPeek(out var next, out var key) && key.At <= until)
        {
            queue.Dequeue();
            (at, item) = (key.At, next);
            return true;
        }
        (at, item) = (default, null!);
        return false;
    }

    private readonly record struct EventKey(TimeSpan At, long Sequence) : IComparable<EventKey>
    {
        public int CompareTo(EventKey other)
        {
            var byTime = At.CompareTo(other.At);
            return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
        }
    }
}
