namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// Collects the fragments of multi-datagram messages until complete, within <see cref="ReassemblyLimits"/>.
/// Partials that expire or are evicted are counted as <see cref="DropReason.FragmentExpired"/>.
/// Not thread-safe (the opener locks). Only authenticated fragments reach it.
/// </summary>
internal sealed class FragmentReassembler(ReassemblyLimits limits, WireCounters counters)
{
    private readonly Dictionary<PartialKey, Partial> _partials = [];
    private long _bufferedBytes;
    private long _arrivals;

    /// <summary>Number of partial messages held (for tests).</summary>
    public int PartialCount => _partials.Count;

    /// <summary>Fragment bytes held across all partials (for tests).</summary>
    public long BufferedBytes => _bufferedBytes;

    /// <summary>
    /// Adds one fragment. Returns the whole body when this fragment completed its message, null when
    /// the message is still incomplete; or null with a drop reason and explanation.
    /// </summary>
    public byte[]? Add(string sender, in DatagramHeader h, MessageKind kind, ReadOnlySpan<byte> body, TimeSpan now,
        out DropReason drop, out string detail)
    {
        drop = DropReason.None;
        detail = "";
        ExpireOlderThan(now - limits.MaxAge);
        var key = new PartialKey(sender, h.Epoch, h.MessageId);
        if (_partials.TryGetValue(key, out var partial))
        {
            if (partial.Kind != kind || partial.Fragments.Length != h.FragmentCount)
            {
                drop = DropReason.Malformed;
                detail = $"fragment {h.FragmentIndex + 1}/{h.FragmentCount} of message {h.MessageId} disagrees with earlier fragments";
                return null;
            }
            if (partial.Fragments[h.FragmentIndex] is not null)
            {
                drop = DropReason.Replay;
                detail = $"fragment {h.FragmentIndex + 1}/{h.FragmentCount} of message {h.MessageId} was already received";
                return null;
            }
        }
        else
        {
            EvictForNewPartial(sender);
            partial = new Partial(kind, new byte[]?[h.FragmentCount], now, ++_arrivals);
            _partials.Add(key, partial);
        }
        if (partial.Bytes + body.Length > limits.MaxMessageBytes)
        {
            Remove(key, partial);
            drop = DropReason.Oversize;
            detail = $"message {h.MessageId} grows past {limits.MaxMessageBytes} bytes";
            return null;
        }
        partial.Fragments[h.FragmentIndex] = body.ToArray();
        partial.Bytes += body.Length;
        partial.Received++;
        _bufferedBytes += body.Length;
        if (partial.Received == partial.Fragments.Length) return Assemble(key, partial);
        EvictBeyondBufferLimit(key);
        return null;
    }

    /// <summary>Discards <paramref name="sender"/>'s partials from epochs before <paramref name="epoch"/> (the sender restarted).</summary>
    public void DropEpochsBefore(string sender, ulong epoch) => EvictWhere(e => e.Key.Sender == sender && e.Key.Epoch < epoch);

    private byte[] Assemble(PartialKey key, Partial partial)
    {
        Remove(key, partial);
        var body = new byte[partial.Bytes];
        var offset = 0;
        foreach (var fragment in partial.Fragments)
        {
            fragment!.CopyTo(body, offset);
            offset += fragment.Length;
        }
        return body;
    }

    private void ExpireOlderThan(TimeSpan cutoff) => EvictWhere(e => e.Value.Started < cutoff);

    private void EvictWhere(Func<KeyValuePair<PartialKey, Partial>, bool> condition)
    {
        List<KeyValuePair<PartialKey, Partial>>? victims = null;
        foreach (var entry in _partials)
        {
            if (condition(entry)) (victims ??= []).Add(entry);
        }
        if (victims is null) return;
        foreach (var (key, partial) in victims) Evict(key, partial);
    }

    private void EvictForNewPartial(string sender)
    {
        var mine = 0;
        KeyValuePair<PartialKey, Partial>? oldest = null;
        foreach (var entry in _partials)
        {
            if (entry.Key.Sender != sender) continue;
            mine++;
            if (oldest is null || entry.Value.Arrival < oldest.Value.Value.Arrival) oldest = entry;
        }
        if (mine >= limits.MaxPartialsPerSender && oldest is { } victim) Evict(victim.Key, victim.Value);
    }

    private void EvictBeyondBufferLimit(PartialKey keep)
    {
        while (_bufferedBytes > limits.MaxBufferedBytes)
        {
            KeyValuePair<PartialKey, Partial>? oldest = null;
            foreach (var entry in _partials)
            {
                if (entry.Key == keep) continue;
                if (oldest is null || entry.Value.Arrival < oldest.Value.Value.Arrival) oldest = entry;
            }
            if (oldest is not { } victim) return;
            Evict(victim.Key, victim.Value);
        }
    }

    private void Evict(PartialKey key, Partial partial)
    {
        Remove(key, partial);
        counters.CountDrop(DropReason.FragmentExpired);
    }

    private void Remove(PartialKey key, Partial partial)
    {
        _partials.Remove(key);
        _bufferedBytes -= partial.Bytes;
    }

    private readonly record struct PartialKey(string Sender, ulong Epoch, ulong MessageId);

    private sealed class Partial(MessageKind kind, byte[]?[] fragments, TimeSpan started, long arrival)
    {
        public MessageKind Kind { get; } = kind;
        public byte[]?[] Fragments { get; } = fragments;
        public TimeSpan Started { get; } = started;
        public long Arrival { get; } = arrival;
        public int Bytes { get; set; }
        public int Received { get; set; }
    }
}
