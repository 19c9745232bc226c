namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// Thread-safe counts of what the wire layer accepted, dropped and failed to send, for status output.
/// One instance may be shared by a <see cref="PacketOpener"/> and a <see cref="UdpTransport"/>.
/// </summary>
public sealed class WireCounters
{
    private long _acceptedDatagrams;
    private long _acceptedMessages;
    private long _sendErrors;
    private long _receiveErrors;
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];

    /// <summary>Datagrams that passed every check (complete messages and stored fragments).</summary>
    public long AcceptedDatagrams => Interlocked.Read(ref _acceptedDatagrams);

    /// <summary>Complete messages handed to the caller.</summary>
    public long AcceptedMessages => Interlocked.Read(ref _acceptedMessages);

    /// <summary>Datagrams that could not be sent (network errors, closed transport).</summary>
    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// <summary>Receive-side socket errors and receive callbacks that threw.</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    /// <summary>How many datagrams (or, for <see cref="DropReason.FragmentExpired"/>, partial messages) were dropped for <paramref name="reason"/>.</summary>
    public long Dropped(DropReason reason) => Interlocked.Read(ref _drops[(int)reason]);

    /// <summary>All counters by stable snake_case name, in a fixed order (e.g. "accepted_datagrams", "bad_tag").</summary>
    public IReadOnlyDictionary<string, long> Snapshot()
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["accepted_datagrams"] = AcceptedDatagrams,
            ["accepted_messages"] = AcceptedMessages,
        };
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            if (reason != DropReason.None) result[Name(reason)] = Dropped(reason);
        }
        result["send_errors"] = SendErrors;
        result["receive_errors"] = ReceiveErrors;
        return result;
    }

    /// <summary>The snake_case name of a drop reason as used by <see cref="Snapshot"/>.</summary>
    public static string Name(DropReason reason) => reason switch
    {
        DropReason.None => "none",
        DropReason.Malformed => "malformed",
        DropReason.ForeignCluster => "foreign_cluster",
        DropReason.BadTag => "bad_tag",
        DropReason.UnknownSender => "unknown_sender",
        DropReason.Replay => "replay",
        DropReason.Oversize => "oversize",
        DropReason.FragmentExpired => "fragment_expired",
        _ => reason.ToString().ToLowerInvariant(),
    };

    internal void CountDrop(DropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

    internal void CountAcceptedDatagram() => Interlocked.Increment(ref _acceptedDatagrams);

    internal void CountAcceptedMessage() => Interlocked.Increment(ref _acceptedMessages);

    internal void CountSendError() => Interlocked.Increment(ref _sendErrors);

    internal void CountReceiveError() => Interlocked.Increment(ref _receiveErrors);
}
