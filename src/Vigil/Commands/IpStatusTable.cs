using System.Text.Json;

namespace Vigil.Cli.Commands;

/// <summary>`vigil ip status` as text: per group its state, interfaces (flags, probes) and addresses.</summary>
internal static class IpStatusTable
{
    public static void Write(JsonElement root, TextWriter output)
    {
        var node = Str(root, "node");
        var groups = root.GetProperty("groups").EnumerateArray().ToList();
        if (groups.Count == 0)
        {
            output.WriteLine($"{node}: no interface groups on this node");
            return;
        }
        foreach (var group in groups)
        {
            output.WriteLine($"interface group {Str(group, "group")} on {node}: {Str(group, "state")} (failback {Str(group, "failback")}, " +
                $"failure detection {Span(group, "failure_detection_time")}, probe every {Span(group, "probe_interval")})");
            output.WriteLine($"  {"INTERFACE",-10} {"STATE",-9} {"FLAGS",-24} {"TEST ADDRESS",-18} {"TARGETS",-24} LAST PROBE");
            foreach (var item in group.GetProperty("interfaces").EnumerateArray())
            {
                var flags = string.Join(",", item.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
                var targets = string.Join(",", item.GetProperty("targets").EnumerateArray().Select(f => f.GetString()));
                var probes = item.GetProperty("probes");
                var last = Str(probes, "last_result") is { Length: > 0 } r
                    ? $"{r} (sent {Num(probes, "sent")}, replied {Num(probes, "replied")}, missed {Num(probes, "missed")})" : "-";
                output.WriteLine($"  {Str(item, "name"),-10} {Str(item, "state"),-9} {Or(flags),-24} {Or(Str(item, "test_address")),-18} {Or(targets),-24} {last}");
                if (Str(item, "reason") is { Length: > 0 } reason) output.WriteLine($"    {reason}");
            }
            output.WriteLine($"  {"RESOURCE",-14} {"ADDRESS",-20} {"HOME",-8} {"ON",-8} {"BACKUP",-16} STATE");
            foreach (var a in group.GetProperty("addresses").EnumerateArray())
            {
                var on = Str(a, "current") is { Length: > 0 } c ? c + (a.GetProperty("visiting").GetBoolean() ? " (visiting)" : "") : "-";
                var backup = Str(a, "backup") is { Length: > 0 } b ? $"{b} ({Str(a, "backup_source")})" : "-";
                output.WriteLine($"  {Str(a, "resource"),-14} {Str(a, "address"),-20} {Str(a, "home"),-8} {on,-8} {backup,-16} {Str(a, "state")}");
            }
        }
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.ValueKind == JsonValueKind.Null ? "" : v.ToString() : "";

    private static string Span(JsonElement e, string name) =>
        TimeSpan.TryParse(Str(e, name), System.Globalization.CultureInfo.InvariantCulture, out var span) ? Core.Text.Duration(span) : Str(e, name);

    private static long Num(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;

    private static string Or(string text) => text.Length > 0 ? text : "-";
}
