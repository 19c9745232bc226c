using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// Gratuitous ARP (an ARP request whose sender and target are the announced address, broadcast), sent through an
/// AF_PACKET socket: neighbours and switches learn at once that the address now lives at this interface's MAC.
/// </summary>
internal static class GratuitousArp
{
    private const ushort EthPArp = 0x0806, EthPIp = 0x0800;
    private const int FrameSize = 60; // minimum Ethernet frame without FCS

    /// <summary>
    /// Sends one gratuitous ARP for <paramref name="address"/> now and <paramref name="count"/> - 1 more,
    /// <paramref name="interval"/> apart. The socket is opened before the first await, in the calling thread's
    /// network namespace.
    /// </summary>
    public static async Task<(bool Ok, string Detail)> SendAsync(string iface, IPAddress address, int count, TimeSpan interval)
    {
        var (link, mac, error) = LinkQuery.Ethernet(iface);
        if (link is null || mac is null) return (false, error ?? $"no interface {iface}");
        var fd = NetworkNative.Socket(NetworkNative.AfPacket, NetworkNative.SockRaw | NetworkNative.SockCloExec, NetworkNative.Htons(EthPArp));
        if (fd < 0) return (false, $"socket(AF_PACKET): {NetworkNative.Error(Marshal.GetLastPInvokeError())}");
        try
        {
            var frame = Frame(mac, address);
            var destination = LinkAddress(link.Index);
            for (var i = 0; i < count; i++)
            {
                if (i > 0) await Task.Delay(interval);
                if (NetworkNative.SendTo(fd, frame, (nuint)frame.Length, 0, destination, destination.Length) < 0)
                    return (false, $"gratuitous ARP for {address} on {iface}: {NetworkNative.Error(Marshal.GetLastPInvokeError())}");
            }
            return (true, $"gratuitous ARP for {address} from {link.MacText} sent {count} times on {iface}");
        }
        finally
        {
            _ = NetworkNative.Close(fd);
        }
    }

    /// <summary>The Ethernet frame: broadcast, ARP request, sender = target = <paramref name="address"/>, padded to 60 bytes.</summary>
    internal static byte[] Frame(byte[] mac, IPAddress address)
    {
        var ip = address.GetAddressBytes();
        var frame = new byte[FrameSize];
        frame.AsSpan(0, 6).Fill(0xFF);                                   // destination: broadcast
        mac.CopyTo(frame, 6);                                            // source
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthPArp);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), 1);      // hardware type: Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), EthPIp); // protocol type: IPv4
        frame[18] = 6;                                                   // hardware address length
        frame[19] = 4;                                                   // protocol address length
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(20), 1);      // operation: request
        mac.CopyTo(frame, 22);                                           // sender hardware address
        ip.CopyTo(frame, 28);                                            // sender protocol address
        ip.CopyTo(frame, 38);                                            // target protocol address (target MAC stays 0)
        return frame;
    }

    /// <summary>struct sockaddr_ll for the broadcast address on interface <paramref name="ifindex"/>.</summary>
    private static byte[] LinkAddress(int ifindex)
    {
        var address = new byte[20];
        BitConverter.TryWriteBytes(address.AsSpan(0, 2), (ushort)NetworkNative.AfPacket); // sll_family
        BitConverter.TryWriteBytes(address.AsSpan(2, 2), NetworkNative.Htons(EthPArp));    // sll_protocol
        BitConverter.TryWriteBytes(address.AsSpan(4, 4), ifindex);                        // sll_ifindex
        address[11] = 6;                                                                  // sll_halen
        address.AsSpan(12, 6).Fill(0xFF);                                                 // sll_addr
        return address;
    }
}
