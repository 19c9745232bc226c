using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Core.Configuration;

namespace Vigil.Simulation;

/// <summary>
/// Writes a <see cref="ClusterConfig"/> as the YAML text <see cref="ConfigLoader"/> reads back to the same model.
/// The simulated cluster bootstraps its database the way the agent does — its first leader commits
/// ConfigCommitted(1, config text) — and a configuration built in C# (<see cref="Testing.ConfigBuilder"/>) has
/// no file, so the simulator writes one. Every field is written explicitly (no reliance on parser defaults) and
/// every string is a double-quoted YAML scalar.
/// </summary>
public static class ConfigYaml
{
    public static string Write(ClusterConfig config)
    {
        var w = new StringBuilder();
        var c = config.Cluster;
        w.Append("cluster:\n");
        w.Append("  name: ").Append(Q(c.Name)).Append('\n');
        w.Append("  id: ").Append(c.Id.ToString(CultureInfo.InvariantCulture)).Append('\n');
        w.Append("  mode: ").Append(c.Mode == ClusterMode.LoadSharing ? "load-sharing" : "high-availability").Append('\n');
        if (c.KeyFile is { } key) w.Append("  key_file: ").Append(Q(key)).Append('\n');
        if (c.Tiebreaker is { } tiebreaker) w.Append("  tiebreaker: ").Append(Q(tiebreaker)).Append('\n');
        w.Append("  no_quorum: ").Append(c.NoQuorum == NoQuorumAction.Freeze ? "freeze" : "stop").Append('\n');
        w.Append("  timing: { heartbeat_interval: ").Append(D(c.Timing.HeartbeatInterval))
            .Append(", dead_after: ").Append(c.Timing.DeadAfter.ToString(CultureInfo.InvariantCulture)).Append(" }\n");

        Section(w, "networks", config.Networks, n => $"{{ name: {Q(n.Name)} }}");
        Section(w, "nodes", config.Nodes, Node);
        Section(w, "fence_devices", config.FenceDevices, f => $"{{ name: {Q(f.Name)}, agent: {Q(f.Agent)}{Map(", params: ", f.Params)} }}");
        Section(w, "critical_devices", config.CriticalDevices,
            d => $"{{ name: {Q(d.Name)}, check: {Q(d.Check)}, interval: {D(d.Interval)}, timeout: {D(d.Timeout)} }}");
        Section(w, "resource_types", config.ResourceTypes, Type);
        Section(w, "resources", config.Resources,
            r => $"{{ name: {Q(r.Name)}, type: {Q(r.Type)}{Map(", params: ", r.Params)}{List(", depends_on: ", r.DependsOn)} }}");
        Section(w, "failover_policies", config.FailoverPolicies, Policy);
        Section(w, "resource_groups", config.ResourceGroups,
            g => $"{{ name: {Q(g.Name)}, resources: {Seq(g.Resources)}, policy: {Q(g.Policy)}, local_restarts: {g.LocalRestarts.ToString(CultureInfo.InvariantCulture)} }}");
        Section(w, "interface_groups", config.InterfaceGroups, InterfaceGroup);
        return w.ToString();
    }

    private static string Node(NodeConfig n)
    {
        var fence = n.Fence is { } f ? $", fence: {{ device: {Q(f.Device)}{(f.Port is { } p ? ", port: " + Q(p) : "")} }}" : "";
        var api = n.Api is { } a ? ", api: " + Q(a) : "";
        var role = n.Role == NodeRole.Witness ? "witness" : "server";
        return $"{{ name: {Q(n.Name)}{Map(", addresses: ", n.Addresses)}{api}{fence}, role: {role} }}";
    }

    private static string Type(ResourceTypeConfig t)
    {
        var actions = t.Actions.OrderBy(a => a.Key).Select(a => $"{ActionWord(a.Key)}: {Q(a.Value)}");
        var o = t.Timeouts;
        var timeouts = $"{{ exclusive: {D(o.Exclusive)}, start: {D(o.Start)}, stop: {D(o.Stop)}, monitor: {D(o.Monitor)}, restart: {D(o.Restart)} }}";
        return $"{{ name: {Q(t.Name)}, actions: {{ {string.Join(", ", actions)} }}, timeouts: {timeouts}, " +
               $"monitor_interval: {D(t.MonitorInterval)}{List(", requires_types: ", t.RequiresTypes)} }}";
    }

    private static string Policy(FailoverPolicyConfig p)
    {
        var script = p.Script switch
        {
            FailoverScriptKind.RoundRobin => Q("round-robin"),
            FailoverScriptKind.Custom => Q(p.ScriptPath ?? throw new InvalidOperationException($"policy {p.Name} has a custom script without a path")),
            _ => Q("ordered"),
        };
        return $"{{ name: {Q(p.Name)}, domain: {Seq(p.Domain)}, script: {script}, " +
               $"failback: {(p.Failback == FailbackMode.Auto ? "auto" : "controlled")}, recovery: {(p.Recovery == RecoveryMode.InPlace ? "in-place" : "auto")} }}";
    }

    private static string InterfaceGroup(InterfaceGroupConfig g)
    {
        var interfaces = g.Interfaces.Select(i =>
            $"{{ name: {Q(i.Name)}{(i.TestAddress is { } t ? ", test_address: " + Q(t) : "")}{(i.Backup is { } b ? ", backup: " + Q(b) : "")} }}");
        var d = g.Detection;
        var targets = d.Targets.Count == 0 ? "auto" : Seq(d.Targets);
        var failback = g.Failback switch { InterfaceFailback.Manual => "manual", InterfaceFailback.Stay => "stay", _ => "auto" };
        return $"{{ name: {Q(g.Name)}, node: {Q(g.Node)}, interfaces: [{string.Join(", ", interfaces)}], " +
               $"detection: {{ link: {B(d.Link)}, probes: {B(d.Probes)}, failure_detection_time: {D(d.FailureDetectionTime)}, targets: {targets} }}, " +
               $"failback: {failback} }}";
    }

    private static void Section<T>(StringBuilder w, string key, IReadOnlyList<T> items, Func<T, string> entry)
    {
        if (items.Count == 0) return;
        w.Append('\n').Append(key).Append(":\n");
        foreach (var item in items) w.Append("  - ").Append(entry(item)).Append('\n');
    }

    private static string ActionWord(ResourceAction action) => action.ToString().ToLowerInvariant();

    private static string Map(string prefix, IReadOnlyDictionary<string, string> map) =>
        map.Count == 0 ? "" : prefix + "{ " + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{Q(p.Key)}: {Q(p.Value)}")) + " }";

    private static string List(string prefix, IReadOnlyList<string> items) => items.Count == 0 ? "" : prefix + Seq(items);

    private static string Seq(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Q)) + "]";

    private static string B(bool value) => value ? "true" : "false";

    /// <summary>A duration the parser reads back exactly: milliseconds with up to four decimals (100 ns ticks).</summary>
    private static string D(TimeSpan t) => (t.Ticks / (decimal)TimeSpan.TicksPerMillisecond).ToString("0.####", CultureInfo.InvariantCulture) + "ms";

    /// <summary>A double-quoted scalar: JSON string escapes are valid YAML escapes.</summary>
    private static string Q(string text) => JsonSerializer.Serialize(text);
}
