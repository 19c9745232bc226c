// Vigil cluster datagram, version 1. All integers little-endian.
//
//   offset  size  field
//   0       3     magic "VGL"
//   3       1     version = 1
//   4       4     cluster id (u32); checked before the tag so foreign clusters can be named in logs
//   8       1     sender name length n (1-64)
//   9       n     sender name, UTF-8
//   9+n     8     epoch (u64): the sender's boot epoch, strictly growing across sender restarts
//   17+n    8     sequence (u64): 1 for the first datagram of an epoch, +1 for every datagram sent; routine
//                 and other datagrams are numbered separately (two lanes, each with its own replay window)
//   25+n    1     kind (u8): bits 0-6 the MessageKind; bit 7 "routine" — the message carries no news (a heartbeat,
//                 an unchanged lease, report or Raft keep-alive) and may be handled up to one heartbeat late
//   26+n    8     message id (u64): per sender, shared by all fragments of one message
//   34+n    2     fragment index (u16), below the fragment count
//   36+n    2     fragment count (u16, 1-1024)
//   38+n    4     body length L (u32); the datagram must end exactly after body and tag
//   42+n    L     body bytes (this fragment's slice of the message body)
//   42+n+L  16    tag: HMAC-SHA256(cluster key, every preceding byte), first 16 bytes
//
// Total size 58 + n + L, at most 65,000 bytes. A body longer than 60,000 bytes is split into
// fragments of 60,000 bytes (the last one shorter), each a complete authenticated datagram with its
// own sequence number. A reassembled message is at most 16 MiB.
//
// A receiver drops a datagram unless: it is well formed; the cluster id is its own; the tag verifies
// (constant-time compare); the sender is a known node other than itself; the kind is known; the
// epoch is not older than the newest epoch seen from that sender (a newer epoch resets the sender's
// replay state); and the sequence was not seen before and is within 128 of the highest seen in that epoch
// and lane.
//
// The routine bit lets a receiver steer datagrams by kind before reading them (UdpTransport: a reuseport
// group of two sockets and a classic BPF program): routine ones are read in a batch once per heartbeat, the
// others wake the receiver at once.
//
// Kind 7 (bundle) carries several routine messages for one peer in one datagram (a heartbeat and what waited for
// it); its body format is in MessageBundle.

namespace Vigil.Cli.Agent.Wire;

/// <summary>Constants of the datagram format described at the top of this file.</summary>
public static class WireFormat
{
    /// <summary>Format version in byte 3.</summary>
    public const byte Version = 1;

    /// <summary>Longest sender name, in UTF-8 bytes.</summary>
    public const int MaxSenderBytes = 64;

    /// <summary>Bytes of the truncated HMAC-SHA256 tag.</summary>
    public const int TagBytes = 16;

    /// <summary>Largest datagram sent or accepted.</summary>
    public const int MaxDatagramBytes = 65_000;

    /// <summary>Largest body slice carried by one datagram; longer bodies are fragmented.</summary>
    public const int MaxFragmentBody = 60_000;

    /// <summary>Most fragments one message may have.</summary>
    public const int MaxFragments = 1024;

    /// <summary>Largest message body (after reassembly).</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>Width of the per-sender sliding replay window, in sequence numbers.</summary>
    public const int ReplayWindow = 128;

    /// <summary>Bit 7 of the kind byte: a routine message (see the format above).</summary>
    public const byte RoutineFlag = 0x80;

    /// <summary>Offset of the kind byte after the sender name (the kind is at <c>KindOffset + n</c>).</summary>
    internal const int KindOffset = 25;

    /// <summary>Header bytes before the sender name: magic, version, cluster id, name length.</summary>
    internal const int PrefixBytes = 9;

    /// <summary>Header bytes after the sender name: epoch through body length.</summary>
    internal const int FieldsBytes = 33;

    /// <summary>Bytes of a datagram other than the name and body.</summary>
    internal const int OverheadBytes = PrefixBytes + FieldsBytes + TagBytes;

    /// <summary>The magic bytes "VGL".</summary>
    internal static ReadOnlySpan<byte> Magic => "VGL"u8;
}
