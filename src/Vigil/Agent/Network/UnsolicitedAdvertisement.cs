using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// IPv6's gratuitous ARP: an unsolicited neighbour advertisement (RFC 4861 §7.2.6) to all-nodes (ff02::1) with
/// the Override flag and the target link-layer address option, hop limit 255. Best effort.
/// </summary>
internal static class UnsolicitedAdvertisement
{
    private const byte NeighborAdvertisement = 136, OverrideFlag = 0x20, TargetLinkLayerOption = 2;

    /// <summary>Sends <paramref name="count"/> advertisements for <paramref name="address"/>, <paramref name="interval"/> apart.</summary>
    public static async Task<(bool Ok, string Detail)> SendAsync(string iface, IPAddress address, int count, TimeSpan interval)
    {
        var (link, mac, error) = LinkQuery.Ethernet(iface);
        if (link is null || mac is null) return (false, error ?? $"no interface {iface}");
        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6);
            socket.SetRawSocketOption(NetworkNative.SolSocket, NetworkNative.SoBindToDevice, Encoding.UTF8.GetBytes(iface + "\0"));
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, link.Index);
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255);
            TryBind(socket, address);
            var packet = Packet(mac, address);
            var allNodes = new IPEndPoint(new IPAddress(IPAddress.Parse("ff02::1").GetAddressBytes(), link.Index), 0);
            for (var i = 0; i < count; i++)
            {
                if (i > 0) await Task.Delay(interval);
                socket.SendTo(packet, allNodes); // the kernel fills in the ICMPv6 checksum
            }
            return (true, $"neighbour advertisement for {address} from {link.MacText} sent {count} times on {iface}");
        }
        catch (SocketException e)
        {
            return (false, $"neighbour advertisement for {address} on {iface}: {e.Message}");
        }
    }

    /// <summary>The advertisement: type 136, Override, target, target link-layer address option.</summary>
    internal static byte[] Packet(byte[] mac, IPAddress target)
    {
        var packet = new byte[32];
        packet[0] = NeighborAdvertisement;
        packet[4] = OverrideFlag;
        target.GetAddressBytes().CopyTo(packet, 8);
        packet[24] = TargetLinkLayerOption;
        packet[25] = 1; // option length in units of 8 bytes
        mac.CopyTo(packet, 26);
        return packet;
    }

    /// <summary>Sends from the address itself when it is usable (not tentative); else the kernel picks a source.</summary>
    private static void TryBind(Socket socket, IPAddress address)
    {
        try
        {
            socket.Bind(new IPEndPoint(address, 0));
        }
        catch (SocketException)
        {
            // tentative (DAD) or already gone: any address of the interface will do
        }
    }
}
