using System.Buffers.Binary;

namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// The fields of one datagram (layout in <see cref="WireFormat"/>), with the sender and body located
/// by offset. Parsing checks structure only; the tag, sender and kind are checked by the opener.
/// </summary>
internal readonly record struct DatagramHeader(
    uint ClusterId,
    int SenderOffset,
    int SenderLength,
    ulong Epoch,
    ulong Sequence,
    byte Kind,
    ulong MessageId,
    ushort FragmentIndex,
    ushort FragmentCount,
    int BodyOffset,
    int BodyLength)
{
    /// <summary>Bytes of the datagram carrying these fields, body and tag.</summary>
    public static int DatagramLength(int senderLength, int bodyLength) => WireFormat.OverheadBytes + senderLength + bodyLength;

    /// <summary>
    /// Checks magic, version and size, and reads the cluster id. False with a reason and an explanation otherwise.
    /// </summary>
    public static bool TryReadClusterId(ReadOnlySpan<byte> d, out uint clusterId, out DropReason reason, out string detail)
    {
        clusterId = 0;
        reason = DropReason.Malformed;
        if (d.Length > WireFormat.MaxDatagramBytes)
        {
            reason = DropReason.Oversize;
            detail = $"datagram of {d.Length} bytes exceeds {WireFormat.MaxDatagramBytes}";
            return false;
        }
        var magicLength = Math.Min(d.Length, WireFormat.Magic.Length);
        if (!d[..magicLength].SequenceEqual(WireFormat.Magic[..magicLength]))
        {
            detail = "not a vigil datagram (bad magic)";
            return false;
        }
        if (d.Length < WireFormat.PrefixBytes)
        {
            detail = $"too short ({d.Length} bytes)";
            return false;
        }
        if (d[3] != WireFormat.Version)
        {
            detail = $"unsupported format version {d[3]} (expected {WireFormat.Version})";
            return false;
        }
        clusterId = BinaryPrimitives.ReadUInt32LittleEndian(d[4..]);
        reason = DropReason.None;
        detail = "";
        return true;
    }

    /// <summary>
    /// Parses every field after the prefix checked by <see cref="TryReadClusterId"/>. False (malformed)
    /// when a length or value is out of range or the datagram does not end right after body and tag.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> d, uint clusterId, out DatagramHeader header, out string detail)
    {
        header = default;
        int senderLength = d[8];
        if (senderLength is 0 or > WireFormat.MaxSenderBytes)
        {
            detail = $"sender name length {senderLength} out of range 1-{WireFormat.MaxSenderBytes}";
            return false;
        }
        var p = WireFormat.PrefixBytes + senderLength;
        if (d.Length < DatagramHeader.DatagramLength(senderLength, 0))
        {
            detail = $"too short ({d.Length} bytes)";
            return false;
        }
        var epoch = BinaryPrimitives.ReadUInt64LittleEndian(d[p..]);
        var sequence = BinaryPrimitives.ReadUInt64LittleEndian(d[(p + 8)..]);
        var kind = d[p + 16];
        var messageId = BinaryPrimitives.ReadUInt64LittleEndian(d[(p + 17)..]);
        var index = BinaryPrimitives.ReadUInt16LittleEndian(d[(p + 25)..]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(d[(p + 27)..]);
        var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(d[(p + 29)..]);
        if (count is 0 or > WireFormat.MaxFragments)
        {
            detail = $"fragment count {count} out of range 1-{WireFormat.MaxFragments}";
            return false;
        }
        if (index >= count)
        {
            detail = $"fragment index {index} not below fragment count {count}";
            return false;
        }
        var bodyRoom = d.Length - DatagramHeader.DatagramLength(senderLength, 0);
        if (bodyLength != (uint)bodyRoom)
        {
            detail = bodyLength < (uint)bodyRoom
                ? $"{bodyRoom - bodyLength} trailing bytes after the body"
                : $"body length {bodyLength} exceeds the {bodyRoom} bytes present";
            return false;
        }
        header = new DatagramHeader(clusterId, WireFormat.PrefixBytes, senderLength, epoch, sequence, kind, messageId,
            index, count, p + WireFormat.FieldsBytes, (int)bodyLength);
        detail = "";
        return true;
    }

    /// <summary>Writes the header fields and the body into <paramref name="d"/>, leaving the tag bytes to <see cref="DatagramTag"/>.</summary>
    public static void Write(Span<byte> d, uint clusterId, ReadOnlySpan<byte> sender, ulong epoch, ulong sequence, MessageKind kind,
        bool routine, ulong messageId, ushort index, ushort count, ReadOnlySpan<byte> body)
    {
        WireFormat.Magic.CopyTo(d);
        d[3] = WireFormat.Version;
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], clusterId);
        d[8] = (byte)sender.Length;
        sender.CopyTo(d[WireFormat.PrefixBytes..]);
        var p = WireFormat.PrefixBytes + sender.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(d[p..], epoch);
        BinaryPrimitives.WriteUInt64LittleEndian(d[(p + 8)..], sequence);
        d[p + 16] = (byte)((byte)kind | (routine ? WireFormat.RoutineFlag : 0));
        BinaryPrimitives.WriteUInt64LittleEndian(d[(p + 17)..], messageId);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(p + 25)..], index);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(p + 27)..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(d[(p + 29)..], (uint)body.Length);
        body.CopyTo(d[(p + WireFormat.FieldsBytes)..]);
    }
}
