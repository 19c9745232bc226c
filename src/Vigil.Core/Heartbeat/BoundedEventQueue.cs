namespace Vigil.Core.Heartbeat;

/// <summary>Pending <see cref="HeartbeatEvent"/>s, at most a fixed number; when full the oldest is dropped and counted.</summary>
internal sealed class BoundedEventQueue(int capacity)
{
    private readonly Queue<HeartbeatEvent> pending = new();

    /// <summary>Events dropped because the queue was full, since the monitor started.</summary>
    public long Dropped { get; private set; }

    public void Add(HeartbeatEvent e)
    {
        if (pending.Count == capacity)
        {
            pending.Dequeue();
            Dropped++;
        }
        pending.Enqueue(e);
        Invariant.Check(pending.Count <= capacity, "pending heartbeat events stay bounded");
    }

    /// <summary>Every pending event, oldest first; the queue is empty afterwards.</summary>
    public IReadOnlyList<HeartbeatEvent> Take()
    {
        var taken = pending.ToArray();
        pending.Clear();
        return taken;
    }
}
