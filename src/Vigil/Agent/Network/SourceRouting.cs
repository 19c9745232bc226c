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

    private const int MaxRuleDeletes = 16;
    private static readonly HashSet<string> FlagWords = ["linkdown", "dead", "offload", "trap", "rt_offload", "rt_trap", "rt_offload_failed", "notify", "pervasive"];

    /// <summary>The routing table of the interface with index <paramref name="ifindex"/>.</summary>
    public static int Table(int ifindex) => TableBase + ifindex;

    /// <summary>
    /// Fills the interface's table (its connected prefix for <paramref name="cidr"/>, its main-table routes, and
    /// main-table routes through a gateway inside that prefix re-pointed at the interface) and points
    /// <c>from ADDRESS</c> at it. Failing to copy an optional route is only reported in the detail.
    /// </summary>
    public static async Task<(bool Ok, string Detail)> InstallAsync(string iface, int ifindex, Cidr cidr, CancellationToken cancel)
    {
        var family = cidr.FamilyOption;
        var table = Table(ifindex).ToString(CultureInfo.InvariantCulture);
        var warnings = new List<string>();
        string[] connected = [family, "route", "replace", cidr.Prefix, "dev", iface, "table", table];
        var result = await IpCommand.RunAsync(connected, cancel);
        if (!result.Ok) return (false, result.Describe(connected));

        var main = await IpCommand.RunAsync([family, "route", "show", "table", "main"], cancel);
        foreach (var route in main.Out.Split('\n').Select(l => CopyOf(l, iface, cidr)).OfType<List<string>>())
        {
            string[] copy = [family, "route", "replace", .. route, "table", table];
            var copied = await IpCommand.RunAsync(copy, cancel);
            if (!copied.Ok) warnings.Add(copied.Describe(copy));
        }

        var address = cidr.Address.ToString();
        var pref = RulePreference.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < MaxRuleDeletes; i++)
        {
            if (!(await IpCommand.RunAsync([family, "rule", "del", "from", address, "pref", pref], cancel)).Ok) break;
        }
        string[] rule = [family, "rule", "add", "from", address, "lookup", table, "pref", pref];
        result = await IpCommand.RunAsync(rule, cancel);
        if (!result.Ok) return (false, result.Describe(rule));
        var detail = $"rule from {address} lookup {table} pref {pref}";
        return (true, warnings.Count == 0 ? detail : $"{detail}; some routes not copied: {string.Join("; ", warnings)}");
    }

    /// <summary>Deletes the <c>from ADDRESS lookup TABLE(iface)</c> rule(s); a rule pointing elsewhere (the address moved) stays.</summary>
    public static async Task<(bool Ok, string Detail)> RemoveAsync(int ifindex, IPAddress address, CancellationToken cancel)
    {
        var family = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "-6" : "-4";
        var table = Table(ifindex).ToString(CultureInfo.InvariantCulture);
        var deleted = 0;
        for (var i = 0; i < MaxRuleDeletes; i++)
        {
            var result = await IpCommand.RunAsync(
                [family, "rule", "del", "from", address.ToString(), "lookup", table, "pref", RulePreference.ToString(CultureInfo.InvariantCulture)], cancel);
            if (!result.Ok) break;
            deleted++;
        }
        return (true, deleted == 0 ? $"no rule from {address} lookup {table}" : $"rule from {address} lookup {table} deleted");
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
