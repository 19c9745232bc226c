using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// Finds echo targets for an interface: the routers its routes go through, else hosts that answer an
/// all-hosts echo. Everything is read in the calling thread's network namespace.
/// </summary>
internal static class TargetDiscovery
{
    private const uint RtfGateway = 0x2;

    /// <summary>
    /// The distinct gateways of routes through <paramref name="iface"/> in the main table: IPv4 from
    /// /proc/net/route, IPv6 from /proc/net/ipv6_route (read through /proc/thread-self, which is the calling
    /// thread's namespace), in table order (the default route usually first).
    /// </summary>
    public static IReadOnlyList<IPAddress> Routers(string iface)
    {
        var routers = new List<IPAddress>();
        foreach (var line in ReadLines("route").Skip(1))
        {
            // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT, hex in host byte order
            var f = line.Split('\t', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4 || f[0] != iface) continue;
            if (!uint.TryParse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var gateway) || gateway == 0) continue;
            if (!uint.TryParse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags) || (flags & RtfGateway) == 0) continue;
            Add(routers, new IPAddress(BitConverter.GetBytes(gateway)));
        }
        foreach (var line in ReadLines("ipv6_route"))
        {
            // dest destlen src srclen nexthop metric refcnt use flags iface, addresses as 32 hex digits
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10 || f[9] != iface || f[4].Length != 32 || f[4].All(c => c == '0')) continue;
            Add(routers, new IPAddress(Convert.FromHexString(f[4])));
        }
        return routers;
    }

    /// <summary>
    /// Sends one echo to all-hosts (224.0.0.1, or ff02::1 when <paramref name="source"/> is IPv6) out of
    /// <paramref name="iface"/> from <paramref name="source"/> (TTL 1) and collects the distinct hosts that answer
    /// within <paramref name="wait"/>, in the order they answered, leaving out the host's own addresses; at most
    /// <paramref name="max"/>. Linux hosts ignore IPv4 echoes to broadcast or multicast addresses unless
    /// <c>net.ipv4.icmp_echo_ignore_broadcasts=0</c> (the default is 1), so on a Linux-only network this may find
    /// only routers and appliances; IPv6 hosts answer by default (<c>net.ipv6.icmp.echo_ignore_multicast=0</c>).
    /// Empty when nobody answered or the echo could not be sent.
    /// </summary>
    public static async Task<IReadOnlyList<IPAddress>> AllHostsEchoAsync(string iface, IPAddress source, int max, TimeSpan wait, CancellationToken cancel)
    {
        if (max <= 0) return [];
        var own = OwnAddresses();
        var found = new List<IPAddress>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Replied(long sequence, IPAddress from)
        {
            lock (found)
            {
                var plain = new IPAddress(from.GetAddressBytes()); // without the IPv6 scope
                if (found.Count >= max || own.Contains(plain) || found.Contains(plain)) return;
                found.Add(plain);
                if (found.Count >= max) enough.TrySetResult();
            }
        }
        var v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        IcmpProber prober;
        try
        {
            prober = new IcmpProber(iface, source, Replied, _ => { });
        }
        catch (SocketException)
        {
            return []; // no such interface or address (any more): nobody to find
        }
        using (prober)
        {
            try
            {
                prober.UseMulticast();
            }
            catch (SocketException)
            {
                return [];
            }
            if (!prober.TrySend(v6 ? IPAddress.Parse("ff02::1") : IPAddress.Parse("224.0.0.1"), 1, out _)) return [];
            await Task.WhenAny(enough.Task, Task.Delay(wait, cancel));
        }
        cancel.ThrowIfCancellationRequested();
        lock (found) return [.. found];
    }

    /// <summary>Every address of the host (netlink; empty if it cannot be read).</summary>
    internal static HashSet<IPAddress> OwnAddresses()
    {
        try
        {
            return [.. LinkQuery.Addresses().Select(a => new IPAddress(a.Address.GetAddressBytes()))];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static void Add(List<IPAddress> list, IPAddress address)
    {
        if (!list.Contains(address)) list.Add(address);
    }

    /// <summary>/proc/thread-self/net/NAME (the calling thread's namespace), else /proc/net/NAME; none if unreadable.</summary>
    private static string[] ReadLines(string name)
    {
        foreach (var dir in new[] { "/proc/thread-self/net", "/proc/net" })
        {
            try
            {
                return File.ReadAllLines(Path.Combine(dir, name));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // older kernels have no /proc/thread-self; no IPv6: no ipv6_route
            }
        }
        return [];
    }
}
