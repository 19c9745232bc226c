using Vigil.Cli.Agent.Wire;

namespace Vigil.Cli.Agent;

/// <summary>
/// Routine messages (no news: Raft keep-alives, an unchanged report) waiting for the next heartbeat to the same
/// peer on the same network, which carries them in one <see cref="MessageBundle"/>. The loop thread adds, the
/// network thread takes at each beat, so they wait less than one heartbeat interval — always about the same
/// time (both run once per interval), so the gaps between keep-alives stay one interval. Bounded: an add that
/// would exceed <see cref="MessageBundle.MaxEntries"/> - 1 messages (one place is the heartbeat's) or
/// <see cref="MaxBytes"/> is refused and the caller sends the message on its own.
/// An unchanged lease renewal waits here too: its holder counts it from its arrival, so the wait lengthens how long
/// a node may keep its groups after its leader lost quorum by up to one heartbeat — the self-fence bound counts it
/// (<c>SelfFenceBound</c>, docs/design/quorum.md). A changed lease is not routine and goes at once.
/// </summary>
internal sealed class RoutineOutbox
{
    public const int MaxBytes = 4000;

    private readonly Dictionary<(string Peer, string Network), Waiting> waiting = [];
    private readonly Lock gate = new();

    /// <summary>What waits for one peer on one network, and its bodies' total size.</summary>
    private sealed class Waiting
    {
        public readonly List<(MessageKind Kind, byte[] Body)> Messages = new(4);
        public int Bytes;
    }

    /// <summary>Queues a message for the next heartbeat to <paramref name="peer"/> on <paramref name="network"/>; false when full or too large.</summary>
    public bool TryAdd(string peer, string network, MessageKind kind, byte[] body)
    {
        if (kind == MessageKind.Bundle || body.Length > MessageBundle.MaxEntryBytes) return false;
        var key = (peer, network);
        lock (gate)
        {
            if (!waiting.TryGetValue(key, out var queue)) waiting[key] = queue = new Waiting();
            if (queue.Messages.Count >= MessageBundle.MaxEntries - 1 || queue.Bytes + body.Length > MaxBytes) return false;
            queue.Messages.Add((kind, body));
            queue.Bytes += body.Length;
            return true;
        }
    }

    /// <summary>
    /// Moves what waits for <paramref name="peer"/> on <paramref name="network"/> into <paramref name="into"/>
    /// (after what it holds); false when nothing waited.
    /// </summary>
    public bool TakeInto(string peer, string network, List<(MessageKind Kind, byte[] Body)> into)
    {
        var key = (peer, network);
        lock (gate)
        {
            if (!waiting.TryGetValue(key, out var queue) || queue.Messages.Count == 0) return false;
            into.AddRange(queue.Messages);
            queue.Messages.Clear();
            queue.Bytes = 0;
            return true;
        }
    }

    /// <summary>Drops what waits for peers no longer in the configuration.</summary>
    public void Forget(Func<string, bool> isPeer)
    {
        lock (gate)
        {
            foreach (var key in waiting.Keys.Where(k => !isPeer(k.Peer)).ToList())
                waiting.Remove(key);
        }
    }
}
