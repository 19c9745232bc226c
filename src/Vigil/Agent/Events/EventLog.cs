namespace Vigil.Cli.Agent.Events;

/// <summary>
/// The node's recent events, numbered from 1, the newest <see cref="Capacity"/> kept. Written by the agent's loop,
/// read by the API (also waiting for the next event: `vigil events --follow`). Thread-safe.
/// </summary>
internal sealed class EventLog
{
    public const int Capacity = 1000;

    private readonly Lock gate = new();
    private readonly Queue<ClusterEvent> events = new();
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long lastSeq;

    /// <summary>Called for every event after it is stored (notify hooks); runs on the writer's thread.</summary>
    public event Action<ClusterEvent>? Added;

    public ClusterEvent Add(string kind, string message, string? node, string? group, string source)
    {
        ClusterEvent added;
        TaskCompletionSource wake;
        lock (gate)
        {
            added = new ClusterEvent(++lastSeq, DateTimeOffset.UtcNow, kind, message, node, group, source);
            events.Enqueue(added);
            while (events.Count > Capacity) events.Dequeue();
            wake = next;
            next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
        Added?.Invoke(added);
        return added;
    }

    /// <summary>Events after <paramref name="afterSeq"/> (at most <paramref name="limit"/>, the newest ones).</summary>
    public IReadOnlyList<ClusterEvent> After(long afterSeq, int limit)
    {
        lock (gate) return events.Where(e => e.Seq > afterSeq).TakeLast(Math.Clamp(limit, 1, Capacity)).ToList();
    }

    /// <summary>Events after <paramref name="afterSeq"/>, waiting up to <paramref name="wait"/> for the first one.</summary>
    public async Task<IReadOnlyList<ClusterEvent>> WaitAfterAsync(long afterSeq, int limit, TimeSpan wait, CancellationToken cancel)
    {
        Task signal;
        lock (gate)
        {
            if (lastSeq > afterSeq) return After(afterSeq, limit);
            signal = next.Task;
        }
        await Task.WhenAny(signal, Task.Delay(wait, cancel)).ConfigureAwait(false);
        return After(afterSeq, limit);
    }

    public long LastSeq
    {
        get
        {
            lock (gate) return lastSeq;
        }
    }
}
