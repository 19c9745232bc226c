namespace Vigil.Cli.Agent.Network;

/// <summary>One message in a netlink datagram: its header fields and where its payload lies in the buffer.</summary>
internal readonly record struct NetlinkMessage(ushort Type, ushort Flags, uint Sequence, int Offset, int Length);

/// <summary>
/// rtnetlink framing (netlink(7), rtnetlink(7)): splitting datagrams into messages, walking attributes and
/// building requests. Netlink uses the host's byte order.
/// </summary>
internal static class Netlink
{
    public const ushort Noop = 1;
    public const ushort Error = 2;
    public const ushort Done = 3;
    public const ushort Overrun = 4;
    public const ushort NewLink = 16;   // RTM_NEWLINK
    public const ushort DelLink = 17;   // RTM_DELLINK
    public const ushort GetLink = 18;   // RTM_GETLINK
    public const ushort NewAddress = 20; // RTM_NEWADDR
    public const ushort GetAddress = 22; // RTM_GETADDR
    public const ushort FlagRequest = 0x1;
    public const ushort FlagMulti = 0x2;
    public const ushort FlagAck = 0x4;
    public const ushort FlagDump = 0x300; // NLM_F_ROOT | NLM_F_MATCH
    public const uint GroupLink = 0x1;    // RTMGRP_LINK
    public const int HeaderSize = 16;     // struct nlmsghdr

    /// <summary>Rounds up to the 4-byte alignment of messages and attributes.</summary>
    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>The messages of one datagram, in order; stops at the first malformed header.</summary>
    public static List<NetlinkMessage> Split(byte[] buffer, int length)
    {
        var messages = new List<NetlinkMessage>();
        var at = 0;
        while (at + HeaderSize <= length)
        {
            var size = (int)BitConverter.ToUInt32(buffer, at);
            if (size < HeaderSize || at + size > length) break;
            messages.Add(new NetlinkMessage(
                BitConverter.ToUInt16(buffer, at + 4),
                BitConverter.ToUInt16(buffer, at + 6),
                BitConverter.ToUInt32(buffer, at + 8),
                at + HeaderSize,
                size - HeaderSize));
            at += Align(size);
        }
        return messages;
    }

    /// <summary>The errno of an NLMSG_ERROR message (0 for an acknowledgement).</summary>
    public static int ErrorNumber(byte[] buffer, NetlinkMessage message) =>
        message.Length >= 4 ? -BitConverter.ToInt32(buffer, message.Offset) : 0;

    /// <summary>The attributes (struct rtattr) between <paramref name="start"/> and <paramref name="end"/>.</summary>
    public static List<(ushort Type, int Offset, int Length)> Attributes(byte[] buffer, int start, int end)
    {
        var attributes = new List<(ushort, int, int)>();
        var at = start;
        while (at + 4 <= end)
        {
            var size = BitConverter.ToUInt16(buffer, at);
            if (size < 4 || at + size > end) break;
            var type = (ushort)(BitConverter.ToUInt16(buffer, at + 2) & 0x3FFF); // without NLA_F_NESTED / NET_BYTEORDER
            attributes.Add((type, at + 4, size - 4));
            at += Align(size);
        }
        return attributes;
    }

    /// <summary>A request: header, fixed <paramref name="body"/> (ifinfomsg, ifaddrmsg…) and attributes.</summary>
    public static byte[] Request(ushort type, ushort flags, uint sequence, byte[] body, params (ushort Type, byte[] Value)[] attributes)
    {
        var size = HeaderSize + Align(body.Length) + attributes.Sum(a => Align(4 + a.Value.Length));
        var message = new byte[size];
        BitConverter.TryWriteBytes(message.AsSpan(0, 4), (uint)size);
        BitConverter.TryWriteBytes(message.AsSpan(4, 2), type);
        BitConverter.TryWriteBytes(message.AsSpan(6, 2), flags);
        BitConverter.TryWriteBytes(message.AsSpan(8, 4), sequence);
        body.CopyTo(message, HeaderSize);
        var at = HeaderSize + Align(body.Length);
        foreach (var (attributeType, value) in attributes)
        {
            BitConverter.TryWriteBytes(message.AsSpan(at, 2), (ushort)(4 + value.Length));
            BitConverter.TryWriteBytes(message.AsSpan(at + 2, 2), attributeType);
            value.CopyTo(message, at + 4);
            at += Align(4 + value.Length);
        }
        return message;
    }
}
