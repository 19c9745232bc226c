using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// Places, removes, announces and verifies service addresses on interfaces, in the calling thread's network
/// namespace (<c>ip</c> children inherit the namespace of the thread that starts them; continuations of these
/// methods must therefore stay in that namespace, which they do in a process that runs in one namespace).
/// Errors come back as text (the <c>ip</c> command's stderr), never as exceptions, except for cancellation.
/// </summary>
internal static class AddressTool
{
    /// <summary>Gratuitous ARPs / neighbour advertisements per announcement, and their spacing.</summary>
    public const int Announcements = 2;

    public static readonly TimeSpan AnnouncementInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// <c>ip addr replace CIDR dev IFACE</c> (idempotent; IPv6 with <c>nodad</c> so the address is usable at once)
    /// and the source routing rule (<see cref="SourceRouting"/>) in one <c>ip -batch</c> process, then the
    /// announcement (its first packet at once), then the interface's other main-table routes copied into its table.
    /// Fails if the address or the rule could not be placed; a failed announcement or an uncopied optional route
    /// only shows in the detail.
    /// </summary>
    public static async Task<(bool Ok, string Detail)> AddAsync(string iface, string cidr, CancellationToken cancel)
    {
        if (!Cidr.TryParse(cidr, out var parsed)) return (false, $"not an address/prefix: {cidr}");
        var index = IndexOf(iface, out var why);
        if (index == 0) return (false, why);
        var add = $"addr replace {parsed} dev {iface}{(parsed.IsV6 ? " nodad" : "")}";
        List<string> lines = [add, .. SourceRouting.PointLines(iface, index, parsed)];
        var (result, failed) = await IpCommand.RunBatchAsync([parsed.FamilyOption], lines, cancel);
        if (failed.Contains(1)) return (false, $"ip {parsed.FamilyOption} {add}: {FirstError(result)}");
        if (SourceRouting.Essential(lines.Count).Any(failed.Contains))
            return (false, $"{parsed} added on {iface} but its source routing failed: {FirstError(result)}");
        var announcing = AnnounceAsync(iface, parsed.Address);
        var routes = await SourceRouting.CopyRoutesAsync(iface, index, parsed, cancel);
        var announced = await announcing;
        return (true, $"{parsed} on {iface}; rule from {parsed.Address} lookup {SourceRouting.Table(index)}; {routes}; " +
            (announced.Ok ? "announced" : "not announced: " + announced.Detail));
    }

    /// <summary>
    /// <c>ip addr del CIDR dev IFACE</c>; an address (or interface) that is not there counts as removed. Also
    /// deletes the address's rule to this interface's table (not a rule to another interface it moved to).
    /// </summary>
    public static async Task<(bool Ok, string Detail)> RemoveAsync(string iface, string cidr, CancellationToken cancel)
    {
        if (!Cidr.TryParse(cidr, out var parsed)) return (false, $"not an address/prefix: {cidr}");
        var index = IndexOf(iface, out _);
        var del = $"addr del {parsed} dev {iface}";
        List<string> lines = [del];
        if (index != 0) lines.AddRange(SourceRouting.UnpointLines(index, parsed.Address));
        var (result, failed) = await IpCommand.RunBatchAsync([parsed.FamilyOption], lines, cancel);
        var absent = result.Err.Contains("Cannot assign requested address", StringComparison.Ordinal)
            || result.Err.Contains("Address not found", StringComparison.Ordinal)
            || result.Err.Contains("Cannot find device", StringComparison.Ordinal);
        if (failed.Contains(1) && !absent) return (false, $"ip {parsed.FamilyOption} {del}: {FirstError(result)}");
        return (true, failed.Contains(1) ? $"{parsed} was not on {iface}" : $"{parsed} removed from {iface}");
    }

    /// <summary>The first error line of a batch (the lines after it are ip's "Command failed" notes).</summary>
    private static string FirstError(IpResult result) =>
        result.Err.Split('\n').FirstOrDefault(l => l.Length > 0 && !l.StartsWith("Command failed", StringComparison.Ordinal))
        ?? $"exit code {result.Code}";

    /// <summary>
    /// True if <paramref name="address"/> ("10.0.0.5", or "10.0.0.5/24" to also require that prefix length) is on
    /// <paramref name="iface"/> (netlink; false if it cannot be read).
    /// </summary>
    public static bool IsPresent(string iface, string address)
    {
        if (!Cidr.TryParse(address, out var wanted)) return false;
        var prefixGiven = address.Contains('/', StringComparison.Ordinal);
        try
        {
            var index = LinkQuery.Find(iface)?.Index ?? 0;
            return index != 0 && LinkQuery.Addresses().Any(a => a.Index == index
                && new IPAddress(a.Address.GetAddressBytes()).Equals(wanted.Address)
                && (!prefixGiven || a.PrefixLength == wanted.PrefixLength));
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Tells the link that <paramref name="address"/> is now at <paramref name="iface"/>: gratuitous ARP (IPv4)
    /// or an unsolicited neighbour advertisement (IPv6), sent now and again 100 ms later.
    /// </summary>
    public static Task<(bool Ok, string Detail)> AnnounceAsync(string iface, IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6
            ? UnsolicitedAdvertisement.SendAsync(iface, address, Announcements, AnnouncementInterval)
            : GratuitousArp.SendAsync(iface, address, Announcements, AnnouncementInterval);

    /// <summary>
    /// True if <paramref name="iface"/> is running, <paramref name="source"/> is on it and (when there are
    /// targets) an echo from <paramref name="source"/> out of <paramref name="iface"/> gets a reply from one of
    /// <paramref name="targets"/> within <paramref name="timeout"/> (echoes are repeated every 300 ms).
    /// </summary>
    public static async Task<(bool Ok, string Detail)> VerifyAsync(string iface, IPAddress source, IReadOnlyList<IPAddress> targets, TimeSpan timeout, CancellationToken cancel)
    {
        var link = LinkWatcher.Read(iface);
        if (!link.Exists) return (false, $"{iface} does not exist");
        if (!link.Running) return (false, $"{iface} is not running ({(link.AdminUp ? "no carrier" : "administratively down")})");
        if (!IsPresent(iface, source.ToString())) return (false, $"{source} is not on {iface}");
        if (targets.Count == 0) return (true, $"{iface} is running and holds {source}; no echo targets, so reachability was not checked");

        var reply = new TaskCompletionSource<IPAddress>(TaskCreationOptions.RunContinuationsAsynchronously);
        IcmpProber prober;
        try
        {
            prober = new IcmpProber(iface, source, (_, from) => reply.TrySetResult(from), _ => { });
        }
        catch (SocketException e)
        {
            return (false, $"cannot echo from {source} on {iface}: {e.Message}");
        }
        using (prober)
        {
            var clock = Stopwatch.StartNew();
            string? error = null;
            long sequence = 0;
            do
            {
                foreach (var target in targets)
                {
                    if (!prober.TrySend(target, ++sequence, out var e)) error = e;
                }
                var left = timeout - clock.Elapsed;
                await Task.WhenAny(reply.Task, Task.Delay(left < TimeSpan.FromMilliseconds(300) ? Max(left, TimeSpan.Zero) : TimeSpan.FromMilliseconds(300), cancel));
                cancel.ThrowIfCancellationRequested();
            }
            while (!reply.Task.IsCompleted && clock.Elapsed < timeout);
            if (reply.Task.IsCompleted) return (true, $"{iface}: echo reply from {reply.Task.Result} to {source} after {clock.ElapsedMilliseconds} ms");
            var tried = string.Join(", ", targets);
            return (false, $"{iface}: no echo reply from {tried} to {source} within {timeout.TotalMilliseconds:0} ms{(error is null ? "" : "; " + error)}");
        }
    }

    /// <summary>
    /// Sets <c>/proc/sys/net/ipv4/conf/IFACE/arp_ignore=1</c> (answer ARP only for addresses of the receiving
    /// interface) and <c>arp_announce=2</c> (ARP requests carry the outgoing interface's own address), so that
    /// with several interfaces on one subnet only the interface holding an address answers for it (the usual
    /// LVS / keepalived setting). The kernel uses the larger of conf/all and conf/IFACE. Logs what it changed.
    /// </summary>
    public static void PrepareInterface(string iface, Action<string> log)
    {
        foreach (var (key, value) in new[] { ("arp_ignore", "1"), ("arp_announce", "2") })
        {
            var path = $"/proc/sys/net/ipv4/conf/{iface}/{key}";
            try
            {
                var old = File.ReadAllText(path).Trim();
                if (old == value) continue;
                File.WriteAllText(path, value);
                log($"{iface}: net.ipv4.conf.{iface}.{key} {old} -> {value}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log($"{iface}: cannot set net.ipv4.conf.{iface}.{key}={value}: {e.Message}");
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The interface's index, or 0 with the reason.</summary>
    private static int IndexOf(string iface, out string why)
    {
        try
        {
            var index = LinkQuery.Find(iface)?.Index ?? 0;
            why = index == 0 ? $"no interface {iface}" : "";
            return index;
        }
        catch (IOException e)
        {
            why = e.Message;
            return 0;
        }
    }
}
