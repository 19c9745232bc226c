using System.Globalization;
using System.Net;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// Source policy routing, so that traffic from an address leaves by the interface that holds it even when
/// another interface of the group has a route to the same prefix (the main table picks the first, which may be
/// the failed one: a connected route without carrier is only marked linkdown, not removed):
/// <code>
/// ip rule add from ADDRESS lookup TABLE pref 7600
/// TABLE = 7600 + ifindex of the interface, holding copies of the interface's main-table routes
/// </code>
/// The table is per interface (shared by all its addresses) and is refreshed each time an address is placed;
/// its routes are left behind when an address leaves (only the rule sends traffic there). Rules with preference
/// 7600 belong to Vigil: placing an address deletes every pref-7600 rule for it first.
/// </summary>
internal static class SourceRouting
{
    /// <summary>Preference of the <c>from ADDRESS</c> rules: before main (32766), after local (0).</summary>
    public const int RulePreference = 7600;

    /// <summary>Tables are <see cref="TableBase"/> + ifindex.</summary>
    public const int TableBase = 7600;

    /// <summary>Earlier Vigil rules for one address deleted before its new rule is added (normally there is one).</summary>
    public const int StaleRuleDeletes = 4;
    private static readonly HashSet<string> FlagWords = ["linkdown", "dead", "offload", "trap", "rt_offload", "rt_trap", "rt_offload_failed", "notify", "pervasive"];

    /// <summary>The routing table of the interface with index <paramref name="ifindex"/>.</summary>
    public static int Table(int ifindex) => TableBase + ifindex;

    /// <summary>
    /// The batch lines (after the address line) that point <c>from ADDRESS</c> at the interface's table: the
    /// connected prefix into the table, every earlier Vigil rule for the address deleted, the new rule added.
    /// </summary>
    public static IEnumerable<string> PointLines(string iface, int ifindex, Cidr cidr)
    {
        var table = Table(ifindex).ToString(CultureInfo.InvariantCulture);
        yield return $"route replace {cidr.Prefix} dev {iface} table {table}";
        for (var i = 0; i < StaleRuleDeletes; i++) yield return $"rule del from {cidr.Address} pref {RulePreference}";
        yield return $"rule add from {cidr.Address} lookup {table} pref {RulePreference}";
    }

    /// <summary>The 1-based batch lines of an add (address line first) whose failure fails the add: the connected route and the rule.</summary>
    public static IEnumerable<int> Essential(int lineCount) => [2, lineCount];

    /// <summary>Batch lines deleting the <c>from ADDRESS lookup TABLE(iface)</c> rules; a rule pointing elsewhere (the address moved) stays.</summary>
    public static IEnumerable<string> UnpointLines(int ifindex, IPAddress address) =>
        Enumerable.Repeat($"rule del from {address} lookup {Table(ifindex)} pref {RulePreference}", 2);

    /// <summary>
    /// Copies the interface's main-table routes, and main-table routes through a gateway inside
    /// <paramref name="cidr"/>'s prefix re-pointed at the interface, into its table (one <c>ip route show</c> and one
    /// batch). Failing to copy a route is only reported in the returned text.
    /// </summary>
    public static async Task<string> CopyRoutesAsync(string iface, int ifindex, Cidr cidr, CancellationToken cancel)
    {
        var table = Table(ifindex).ToString(CultureInfo.InvariantCulture);
        var main = await IpCommand.RunAsync([cidr.FamilyOption, "route", "show", "table", "main"], cancel);
        if (!main.Ok) return $"main routes not read: {main.Err}";
        var copies = main.Out.Split('\n').Select(l => CopyOf(l, iface, cidr)).OfType<List<string>>()
            .Select(route => $"route replace {string.Join(' ', route)} table {table}").ToList();
        if (copies.Count == 0) return "no other routes to copy";
        var (result, failed) = await IpCommand.RunBatchAsync([cidr.FamilyOption], copies, cancel);
        return failed.Count == 0 ? $"{copies.Count} route(s) copied to table {table}"
            : $"some routes not copied to table {table}: {result.Err.Replace('\n', ' ')}";
    }

    /// <summary>
    /// The arguments to replay one line of <c>ip route show table main</c> into the interface's table, or null if
    /// the route does not concern it. Routes of the interface are copied; routes through a gateway inside
    /// <paramref name="cidr"/>'s prefix on another interface are copied through this interface; status words
    /// (linkdown, offload…) and IPv6 expiry are dropped; multipath and typed routes (unreachable, local…) are skipped.
    /// </summary>
    internal static List<string>? CopyOf(string line, string iface, Cidr cidr)
    {
        if (line.Length == 0 || char.IsWhiteSpace(line[0])) return null; // empty, or a nexthop of a multipath route
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count == 0 || words[0] is "unicast" or "local" or "broadcast" or "multicast" or "anycast"
            or "unreachable" or "prohibit" or "blackhole" or "throw" or "nat") return null;
        var dev = words.IndexOf("dev");
        if (dev < 0 || dev + 1 >= words.Count) return null;
        if (words[dev + 1] != iface)
        {
            var via = words.IndexOf("via");
            if (via < 0 || via + 1 >= words.Count || !IPAddress.TryParse(words[via + 1], out var gateway) || !cidr.Contains(gateway)) return null;
            words[dev + 1] = iface;
        }
        var copy = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            if (FlagWords.Contains(words[i])) continue;
            if (words[i] == "expires") { i++; continue; }
            copy.Add(words[i]);
        }
        return copy;
    }
}
