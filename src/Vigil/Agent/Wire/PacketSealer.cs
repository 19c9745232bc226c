using System.Text;

namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// Turns message bodies into authenticated datagrams from this node (format in <see cref="WireFormat"/>).
/// Thread-safe. Every datagram gets the next sequence number, so send datagrams in roughly the order they
/// were sealed: a receiver drops a sequence more than <see cref="WireFormat.ReplayWindow"/> behind the newest it saw.
/// </summary>
public sealed class PacketSealer
{
    private readonly uint _clusterId;
    private readonly byte[] _sender;
    private readonly ClusterKey _key;
    private readonly Lock _lock = new();
    private ulong _nextSequence = 1;
    private ulong _nextRoutineSequence = 1;
    private ulong _nextMessageId = 1;

    /// <summary>A sealer for node <paramref name="sender"/> in its boot epoch <paramref name="epoch"/>.</summary>
    /// <param name="clusterId">The cluster id (cluster.id, 1-65535).</param>
    /// <param name="sender">This node's name, 1-64 UTF-8 bytes.</param>
    /// <param name="epoch">This process's boot epoch; must be larger than any earlier run of this node used.</param>
    /// <param name="key">The cluster key.</param>
    public PacketSealer(int clusterId, string sender, ulong epoch, ClusterKey key)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(key);
        if (clusterId < 0) throw new ArgumentOutOfRangeException(nameof(clusterId), clusterId, "cluster id must not be negative");
        var bytes = Encoding.UTF8.GetBytes(sender);
        if (bytes.Length is 0 or > WireFormat.MaxSenderBytes)
            throw new ArgumentException($"sender name must be 1-{WireFormat.MaxSenderBytes} UTF-8 bytes, '{sender}' is {bytes.Length}", nameof(sender));
        _clusterId = (uint)clusterId;
        _sender = bytes;
        _key = key;
        Sender = sender;
        Epoch = epoch;
    }

    /// <summary>This node's name.</summary>
    public string Sender { get; }

    /// <summary>This node's boot epoch.</summary>
    public ulong Epoch { get; }

    /// <summary>
    /// Seals one message into one datagram, or several fragments when the body exceeds
    /// <see cref="WireFormat.MaxFragmentBody"/>. Throws <see cref="ArgumentException"/> for a body
    /// over <see cref="WireFormat.MaxMessageBytes"/>. A <paramref name="routine"/> message (no news: the receiver
    /// may handle it up to one heartbeat late) is numbered in its own sequence lane.
    /// </summary>
    public IReadOnlyList<byte[]> Seal(MessageKind kind, ReadOnlySpan<byte> body, bool routine = false)
    {
        if (body.Length > WireFormat.MaxMessageBytes)
            throw new ArgumentException($"message body of {body.Length} bytes exceeds the {WireFormat.MaxMessageBytes}-byte limit", nameof(body));
        var count = Math.Max(1, (body.Length + WireFormat.MaxFragmentBody - 1) / WireFormat.MaxFragmentBody);
        ulong firstSequence, messageId;
        lock (_lock)
        {
            ref var next = ref routine ? ref _nextRoutineSequence : ref _nextSequence;
            firstSequence = next;
            next += (ulong)count;
            messageId = _nextMessageId++;
        }
        var datagrams = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var start = i * WireFormat.MaxFragmentBody;
            var slice = body.Slice(start, Math.Min(WireFormat.MaxFragmentBody, body.Length - start));
            var datagram = new byte[DatagramHeader.DatagramLength(_sender.Length, slice.Length)];
            DatagramHeader.Write(datagram, _clusterId, _sender, Epoch, firstSequence + (ulong)i, kind, routine, messageId, (ushort)i, (ushort)count, slice);
            DatagramTag.Write(_key, datagram);
            datagrams[i] = datagram;
        }
        return datagrams;
    }
}
