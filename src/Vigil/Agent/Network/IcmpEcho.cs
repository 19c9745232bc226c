using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// ICMP / ICMPv6 echo packets and the raw socket they travel on. An echo carries the prober's identifier in
/// its header and, in its payload, the prober's 64-bit cookie and the 64-bit sequence number (the header's
/// 16-bit sequence field only holds the low bits).
/// </summary>
internal static class IcmpEcho
{
    private const byte EchoRequest4 = 8, EchoReply4 = 0, EchoRequest6 = 128, EchoReply6 = 129;
    private const int HeaderSize = 8, PayloadSize = 16;

    /// <summary>
    /// A raw ICMP (or ICMPv6 when <paramref name="source"/> is IPv6) socket in the calling thread's network
    /// namespace, bound to <paramref name="iface"/> (SO_BINDTODEVICE) and to <paramref name="source"/>.
    /// </summary>
    /// <param name="index">The interface's index, the scope of IPv6 link-local addresses (0: unknown).</param>
    /// <exception cref="SocketException">no such interface, the address is not local, not root…</exception>
    public static Socket Open(string iface, IPAddress source, int index)
    {
        var v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        var socket = new Socket(source.AddressFamily, SocketType.Raw, v6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);
        try
        {
            socket.SetRawSocketOption(NetworkNative.SolSocket, NetworkNative.SoBindToDevice, Encoding.UTF8.GetBytes(iface + "\0"));
            socket.Bind(new IPEndPoint(Scoped(source, index), 0));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An IPv6 link-local address without a scope gets the interface <paramref name="index"/> as its scope.</summary>
    public static IPAddress Scoped(IPAddress address, int index) =>
        !address.IsIPv6LinkLocal || address.ScopeId != 0 || index == 0 ? address : new IPAddress(address.GetAddressBytes(), index);

    /// <summary>An echo request (IPv4 with its checksum; the kernel computes ICMPv6 checksums).</summary>
    public static byte[] Request(bool v6, ushort identifier, ulong cookie, long sequence)
    {
        var packet = new byte[HeaderSize + PayloadSize];
        packet[0] = v6 ? EchoRequest6 : EchoRequest4;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)sequence);
        BinaryPrimitives.WriteUInt64BigEndian(packet.AsSpan(8), cookie);
        BinaryPrimitives.WriteInt64BigEndian(packet.AsSpan(16), sequence);
        if (!v6) BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
        return packet;
    }

    /// <summary>
    /// True if <paramref name="packet"/> (as a raw socket delivers it: IPv4 with its IP header, IPv6 without) is
    /// an echo reply to a request of ours (same identifier and cookie); <paramref name="sequence"/> is its sequence.
    /// </summary>
    public static bool TryParseReply(bool v6, ReadOnlySpan<byte> packet, ushort identifier, ulong cookie, out long sequence)
    {
        sequence = 0;
        if (!v6)
        {
            if (packet.Length < 20 || packet[0] >> 4 != 4) return false;
            packet = packet[((packet[0] & 0x0F) * 4)..]; // skip the IP header (IHL words)
        }
        if (packet.Length < HeaderSize + PayloadSize || packet[0] != (v6 ? EchoReply6 : EchoReply4) || packet[1] != 0) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) != identifier || BinaryPrimitives.ReadUInt64BigEndian(packet[8..]) != cookie) return false;
        sequence = BinaryPrimitives.ReadInt64BigEndian(packet[16..]);
        return true;
    }

    /// <summary>The Internet checksum (RFC 1071) of <paramref name="data"/>.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (data.Length % 2 == 1) sum += (uint)data[^1] << 8;
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
