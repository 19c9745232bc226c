using System.Text.Json;

namespace Vigil.Cli.Commands;

/// <summary>The human form of `vigil status` (crm_mon-like): a header line, nodes, groups.</summary>
internal static class StatusTable
{
    public const int LastEvents = 6;

    public static void Write(JsonElement s, TextWriter o)
    {
        var leader = s.GetProperty("leader").ValueKind == JsonValueKind.Null ? "none" : s.GetProperty("leader").GetString();
        o.WriteLine($"cluster {s.GetProperty("cluster").GetString()} — seen from {s.GetProperty("node").GetString()}: " +
            $"leader {leader}, term {s.GetProperty("term").GetInt64()}, quorum {(s.GetProperty("quorum").GetBoolean() ? "yes" : "NO")}, " +
            $"config version {s.GetProperty("config_version").GetInt64()}");
        o.WriteLine();
        o.WriteLine($"{"NODE",-12} {"ROLE",-8} {"STATE",-12} NETWORKS");
        foreach (var n in s.GetProperty("nodes").EnumerateArray())
        {
            var networks = string.Join(" ", n.GetProperty("networks").EnumerateObject().Select(p => $"{p.Name}:{p.Value.GetString()}"));
            o.WriteLine($"{n.GetProperty("name").GetString(),-12} {n.GetProperty("role").GetString(),-8} {n.GetProperty("state").GetString(),-12} {networks}");
        }
        o.WriteLine();
        o.WriteLine($"{"GROUP",-20} {"STATE",-12} {"NODE",-12} FAILURES");
        foreach (var g in s.GetProperty("groups").EnumerateArray())
        {
            var node = g.GetProperty("node").ValueKind == JsonValueKind.Null ? "-" : g.GetProperty("node").GetString();
            var fails = string.Join(" ", g.GetProperty("fail_counts").EnumerateObject().Select(p => $"{p.Name}:{p.Value.GetInt32()}"));
            o.WriteLine($"{g.GetProperty("name").GetString(),-20} {g.GetProperty("state").GetString(),-12} {node,-12} {(fails.Length > 0 ? fails : "-")}");
            if (g.TryGetProperty("resources", out var resources))
                foreach (var r in resources.EnumerateArray())
                    o.WriteLine($"  {r.GetProperty("name").GetString(),-18} {r.GetProperty("type").GetString()}");
        }
        if (s.TryGetProperty("recent_events", out var events) && events.GetArrayLength() > 0)
        {
            o.WriteLine();
            o.WriteLine("LAST EVENTS");
            foreach (var e in events.EnumerateArray().TakeLast(LastEvents)) o.WriteLine("  " + e.GetString());
        }
    }
}
