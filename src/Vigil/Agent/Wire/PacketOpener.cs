using System.Text;
using System.Text.Unicode;

namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// Checks received datagrams (format and rules in <see cref="WireFormat"/>) and reassembles fragmented
/// messages. Never throws on bad input: every rejected datagram is counted in <see cref="Counters"/>
/// and reported in the <see cref="OpenResult"/>. Thread-safe.
/// </summary>
public sealed class PacketOpener
{
    private readonly uint _clusterId;
    private readonly ClusterKey _key;
    private volatile HashSet<string> _knownSenders;
    private readonly string _self;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Sender, bool Routine), ReplayWindow> _windows = new();
    private readonly FragmentReassembler _reassembler;

    /// <summary>An opener for node <paramref name="self"/>, accepting messages from <paramref name="knownSenders"/>.</summary>
    /// <param name="clusterId">This cluster's id.</param>
    /// <param name="key">The cluster key.</param>
    /// <param name="knownSenders">Names of the cluster's nodes (copied; <paramref name="self"/> is never accepted).</param>
    /// <param name="self">This node's name.</param>
    /// <param name="counters">Where to count; a new instance when null.</param>
    public PacketOpener(int clusterId, ClusterKey key, IReadOnlySet<string> knownSenders, string self, WireCounters? counters = null)
        : this(clusterId, key, knownSenders, self, counters, ReassemblyLimits.Default)
    {
    }

    internal PacketOpener(int clusterId, ClusterKey key, IReadOnlySet<string> knownSenders, string self, WireCounters? counters,
        ReassemblyLimits limits)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(knownSenders);
        ArgumentNullException.ThrowIfNull(self);
        _clusterId = unchecked((uint)clusterId);
        _key = key;
        _knownSenders = new HashSet<string>(knownSenders, StringComparer.Ordinal);
        _knownSenders.Remove(self);
        _self = self;
        Counters = counters ?? new WireCounters();
        _reassembler = new FragmentReassembler(limits, Counters);
    }

    /// <summary>
    /// The cluster's nodes changed (a new configuration version): from now on only <paramref name="knownSenders"/>
    /// are accepted (<c>self</c> never). The replay windows of senders no longer known are forgotten.
    /// </summary>
    public void SetKnownSenders(IEnumerable<string> knownSenders)
    {
        ArgumentNullException.ThrowIfNull(knownSenders);
        var senders = new HashSet<string>(knownSenders, StringComparer.Ordinal);
        senders.Remove(_self);
        lock (_lock)
        {
            foreach (var gone in _windows.Keys.Where(k => !senders.Contains(k.Sender)).ToList()) _windows.Remove(gone);
            _knownSenders = senders;
        }
    }

    /// <summary>What was accepted and dropped so far.</summary>
    public WireCounters Counters { get; }

    /// <summary>Partial messages currently buffered (for tests and status).</summary>
    internal int PartialMessages
    {
        get { lock (_lock) return _reassembler.PartialCount; }
    }

    /// <summary>
    /// Checks one received datagram. <paramref name="now"/> is a monotonic clock reading (used to expire
    /// partial messages). Returns the complete message, a pending fragment, or the drop reason.
    /// </summary>
    public OpenResult Open(ReadOnlySpan<byte> datagram, TimeSpan now)
    {
        if (!DatagramHeader.TryReadClusterId(datagram, out var clusterId, out var reason, out var detail))
            return Drop(reason, detail);
        if (clusterId != _clusterId)
            return Drop(DropReason.ForeignCluster, $"cluster id {clusterId} is not ours ({_clusterId})");
        if (!DatagramHeader.TryParse(datagram, clusterId, out var h, out detail))
            return Drop(DropReason.Malformed, detail);
        if (!DatagramTag.Verify(_key, datagram))
            return Drop(DropReason.BadTag, "authentication tag mismatch (different cluster key, or altered in transit)");

        var nameBytes = datagram.Slice(h.SenderOffset, h.SenderLength);
        if (!Utf8.IsValid(nameBytes)) return Drop(DropReason.Malformed, "sender name is not valid UTF-8");
        var claimed = Encoding.UTF8.GetString(nameBytes);
        if (!_knownSenders.TryGetValue(claimed, out var sender))
        {
            return Drop(DropReason.UnknownSender, claimed == _self
                ? $"packet claims to come from this node ('{Printable(claimed)}')"
                : $"sender '{Printable(claimed)}' is not a node of this cluster");
        }
        var routine = (h.Kind & WireFormat.RoutineFlag) != 0;
        var kind = (MessageKind)(h.Kind & ~WireFormat.RoutineFlag);
        if (!Enum.IsDefined(kind)) return Drop(DropReason.Malformed, $"unknown message kind {h.Kind}", sender);
        if (h.Sequence == 0) return Drop(DropReason.Malformed, "sequence 0 (sequences start at 1)", sender);

        var body = datagram.Slice(h.BodyOffset, h.BodyLength);
        lock (_lock)
        {
            if (!_windows.TryGetValue((sender, routine), out var window)) _windows[(sender, routine)] = window = new ReplayWindow();
            if (window.TryAccept(h.Epoch, h.Sequence, out var restarted) is { } replay)
                return Drop(DropReason.Replay, $"{replay} from {sender}", sender);
            if (restarted) _reassembler.DropEpochsBefore(sender, h.Epoch);
            if (h.FragmentCount == 1) return Accept(new WireMessage(sender, h.Epoch, kind, body.ToArray(), routine));
            var whole = _reassembler.Add(sender, h, kind, body, now, out reason, out detail);
            if (reason != DropReason.None) return Drop(reason, $"{detail} from {sender}", sender);
            Counters.CountAcceptedDatagram();
            return whole is null ? OpenResult.Pending(sender) : Accept(new WireMessage(sender, h.Epoch, kind, whole, routine), countDatagram: false);
        }
    }

    private OpenResult Accept(WireMessage message, bool countDatagram = true)
    {
        if (countDatagram) Counters.CountAcceptedDatagram();
        Counters.CountAcceptedMessage();
        return OpenResult.Complete(message);
    }

    private OpenResult Drop(DropReason reason, string detail, string? sender = null)
    {
        Counters.CountDrop(reason);
        return OpenResult.Dropped(reason, detail, sender);
    }

    /// <summary>The name with control characters replaced, safe to put in a log line.</summary>
    private static string Printable(string name) =>
        name.Any(char.IsControl) ? new string([.. name.Select(c => char.IsControl(c) ? '?' : c)]) : name;
}
