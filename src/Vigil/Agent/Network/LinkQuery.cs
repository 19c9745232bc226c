using System.Text;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// One-shot rtnetlink questions: an interface by name, every address of the host. Unlike /sys/class/net (which
/// shows the namespace of whoever mounted sysfs), netlink answers for the calling thread's network namespace.
/// </summary>
internal static class LinkQuery
{
    private const int TimeoutMs = 2000;
    private static int nextSequence;

    /// <summary>The interface and its 6-byte Ethernet address, or why there is none (for ARP and NDP announcements).</summary>
    public static (LinkInfo? Link, byte[]? Mac, string? Error) Ethernet(string iface)
    {
        LinkInfo? link;
        try
        {
            link = Find(iface);
        }
        catch (IOException e)
        {
            return (null, null, e.Message);
        }
        if (link is null) return (null, null, $"no interface {iface}");
        if (link.Mac is not { Length: 6 } mac) return (null, null, $"{iface} has no Ethernet address");
        return (link, mac, null);
    }

    /// <summary>The interface called <paramref name="name"/>, or null if there is none.</summary>
    /// <exception cref="IOException">netlink failed.</exception>
    public static LinkInfo? Find(string name)
    {
        LinkInfo? found = null;
        var request = Netlink.Request(Netlink.GetLink, Netlink.FlagRequest, NextSequence(), new byte[16],
            (3, Encoding.UTF8.GetBytes(name + "\0"))); // IFLA_IFNAME
        var errno = Exchange(request, (buffer, message) =>
        {
            if (message.Type == Netlink.NewLink) found ??= LinkInfo.Parse(buffer, message);
        });
        if (errno is NetworkNative.ENoDev or 22) return null; // ENODEV; EINVAL for a name no interface can have
        if (errno != 0) throw new IOException($"RTM_GETLINK {name}: {NetworkNative.Error(errno)}");
        return found;
    }

    /// <summary>Every address of every interface (IPv4 and IPv6).</summary>
    /// <exception cref="IOException">netlink failed.</exception>
    public static IReadOnlyList<InterfaceAddress> Addresses()
    {
        var addresses = new List<InterfaceAddress>();
        var request = Netlink.Request(Netlink.GetAddress, Netlink.FlagRequest | Netlink.FlagDump, NextSequence(), new byte[8]);
        var errno = Exchange(request, (buffer, message) =>
        {
            if (message.Type == Netlink.NewAddress && InterfaceAddress.Parse(buffer, message) is { } address) addresses.Add(address);
        });
        if (errno != 0) throw new IOException($"RTM_GETADDR: {NetworkNative.Error(errno)}");
        return addresses;
    }

    private static uint NextSequence() => (uint)Interlocked.Increment(ref nextSequence);

    /// <summary>Sends <paramref name="request"/> and feeds the answer to <paramref name="onMessage"/>: the errno.</summary>
    private static int Exchange(byte[] request, Action<byte[], NetlinkMessage> onMessage)
    {
        var sequence = BitConverter.ToUInt32(request, 8);
        var dump = (BitConverter.ToUInt16(request, 6) & Netlink.FlagDump) != 0;
        using var socket = NetlinkSocket.Open(0);
        socket.Send(request);
        var buffer = new byte[NetlinkSocket.BufferSize];
        var deadline = Environment.TickCount64 + TimeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            if (!socket.WaitReadable((int)Math.Max(1, deadline - Environment.TickCount64))) continue;
            var n = socket.Receive(buffer, out var errno);
            if (n < 0)
            {
                if (errno is NetworkNative.EAgain or NetworkNative.EIntr) continue;
                return errno;
            }
            foreach (var message in Netlink.Split(buffer, n))
            {
                if (message.Sequence != sequence) continue;
                if (message.Type == Netlink.Error) return Netlink.ErrorNumber(buffer, message);
                if (message.Type == Netlink.Done) return 0;
                onMessage(buffer, message);
                if (!dump && (message.Flags & Netlink.FlagMulti) == 0) return 0;
            }
        }
        throw new IOException($"netlink: no answer within {TimeoutMs} ms");
    }
}
