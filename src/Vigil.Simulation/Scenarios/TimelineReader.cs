using Vigil.Core.Cluster;
using Vigil.Core.Configuration.Yaml;
using Vigil.Core.Coordination;
using YamlDotNet.RepresentationModel;

namespace Vigil.Simulation.Scenarios;

/// <summary>Reads the <c>timeline</c> list: each entry is <c>at</c> plus exactly one action key.</summary>
internal sealed class TimelineReader(ProblemList problems, List<NameReference> references)
{
    private static readonly string[] ActionKeys =
    [
        "kill", "restart", "partition", "cut", "heal", "fail_monitor", "fail_start", "fail_fence", "critical_device",
        "network", "clear_faults", "move", "standby", "online", "maintenance", "failback", "clear_failures",
    ];

    private static readonly string[] EntryKeys = ["at", .. ActionKeys];
    private static readonly string[] FailMonitorKeys = ["resource", "node"];
    private static readonly string[] FailStartKeys = ["resource", "node", "persistent"];
    private static readonly string[] FailFenceKeys = ["node", "on"];
    private static readonly string[] CriticalDeviceKeys = ["node", "device", "failed"];
    private static readonly string[] NetworkKeys = ["drop", "duplicate", "delay_max", "reorder"];
    private static readonly string[] MoveKeys = ["group", "node"];
    private static readonly string[] CutKeys = ["from", "to"];
    private static readonly string[] ClearFailuresKeys = ["group", "node"];

    /// <summary>The timeline sorted by time (stable: entries at the same time keep the file's order).</summary>
    public IReadOnlyList<ScheduledAction> Read(YamlMap top)
    {
        var result = new List<ScheduledAction>();
        if (top.Sequence("timeline") is not { } items) return result;
        for (var i = 0; i < items.Count; i++)
            if (ReadEntry(items[i], $"timeline[#{i + 1}]") is { } entry)
                result.Add(entry);
        return result.OrderBy(a => a.At).ToList();
    }

    private ScheduledAction? ReadEntry(YamlNode node, string path)
    {
        if (YamlMap.Open(node, path, problems, EntryKeys) is not { } map) return null;
        var at = map.Duration("at", allowZero: true, required: true);
        var present = ActionKeys.Where(map.Has).ToList();
        if (present.Count == 0)
        {
            problems.Add(map.Start, $"{path} has no action; write one of: {string.Join(", ", ActionKeys)}");
            return null;
        }

        if (present.Count > 1)
        {
            problems.Add(map.KeyMark(present[1]), $"{path} has {present.Count} actions ({string.Join(", ", present)}); write one per entry");
            return null;
        }

        var action = ReadAction(map, present[0]);
        return at is { } time && action is not null ? new ScheduledAction(time, action) : null;
    }

    private SimAction? ReadAction(YamlMap entry, string key)
    {
        var path = entry.PathOf(key);
        switch (key)
        {
            case "kill": return Node(entry, key) is { } kill ? new SimAction.Kill(kill) : null;
            case "restart": return Node(entry, key) is { } restart ? new SimAction.Restart(restart) : null;
            case "standby": return Admin(entry, key, NodeAdminState.Standby);
            case "online": return Admin(entry, key, NodeAdminState.Online);
            case "maintenance": return Admin(entry, key, NodeAdminState.Maintenance);
            case "failback":
                return Name(entry, key, NameKind.Group) is { } name ? new SimAction.Operator(new FailbackNow(name)) : null;
            case "heal": return True(entry, key) ? new SimAction.Heal() : null;
            case "clear_faults": return True(entry, key) ? new SimAction.ClearFaults() : null;
            case "partition": return Partition(entry.Value(key)!, path);
            case "cut":
                {
                    if (entry.Map(key, CutKeys) is not { } m) return null;
                    var from = Name(m, "from", NameKind.Node, required: true);
                    var to = Name(m, "to", NameKind.Node, required: true);
                    if (from is null || to is null) return null;
                    if (from != to) return new SimAction.OneWayCut(from, to);
                    problems.Add(m.Value("to")!, $"{path} cuts {from} from itself; name two different nodes");
                    return null;
                }
            case "fail_monitor":
                {
                    if (entry.Map(key, FailMonitorKeys) is not { } m) return null;
                    var resource = Name(m, "resource", NameKind.Resource, required: true);
                    var node = Name(m, "node", NameKind.Node);
                    return resource is null ? null : new SimAction.FailMonitor(resource, node);
                }
            case "fail_start":
                {
                    if (entry.Map(key, FailStartKeys) is not { } m) return null;
                    var resource = Name(m, "resource", NameKind.Resource, required: true);
                    var node = Name(m, "node", NameKind.Node, required: true);
                    var persistent = m.Bool("persistent") ?? false;
                    return resource is null || node is null ? null : new SimAction.FailStart(resource, node, persistent);
                }
            case "fail_fence":
                {
                    if (entry.Map(key, FailFenceKeys) is not { } m) return null;
                    var node = Name(m, "node", NameKind.Node, required: true);
                    return node is null ? null : new SimAction.FailFence(node, m.Bool("on") ?? true);
                }
            case "critical_device":
                {
                    if (entry.Map(key, CriticalDeviceKeys) is not { } m) return null;
                    var node = Name(m, "node", NameKind.Node, required: true);
                    var device = Name(m, "device", NameKind.CriticalDevice, required: true);
                    var failed = m.Bool("failed") ?? true;
                    return node is null || device is null ? null : new SimAction.FailCriticalDevice(node, device, failed);
                }
            case "network":
                {
                    if (entry.Map(key, NetworkKeys) is not { } m) return null;
                    var delay = m.Duration("delay_max", allowZero: true) ?? TimeSpan.Zero;
                    return new SimAction.NetworkFaults(m.Int("drop", 0, 100) ?? 0, m.Int("duplicate", 0, 100) ?? 0,
                        (int)Math.Min(int.MaxValue, Math.Round(delay.TotalMilliseconds)), m.Bool("reorder") ?? false);
                }
            case "move":
                {
                    if (entry.Map(key, MoveKeys) is not { } m) return null;
                    var group = Name(m, "group", NameKind.Group, required: true);
                    var node = Name(m, "node", NameKind.Node, required: true);
                    return group is null || node is null ? null : new SimAction.Operator(new MoveGroup(group, node));
                }
            case "clear_failures":
                {
                    if (entry.Map(key, ClearFailuresKeys) is not { } m) return null;
                    var group = Name(m, "group", NameKind.Group, required: true);
                    var node = Name(m, "node", NameKind.Node);
                    return group is null ? null : new SimAction.Operator(new ClearFailures(group, node));
                }
            default:
                throw new InvalidOperationException($"no reader for timeline action '{key}'");
        }
    }

    private SimAction.Operator? Admin(YamlMap entry, string key, NodeAdminState state) =>
        Node(entry, key) is { } node ? new SimAction.Operator(new SetNodeAdmin(node, state)) : null;

    private string? Node(YamlMap map, string key) => Name(map, key, NameKind.Node);

    /// <summary>A name to check against the configuration later; records where it is written.</summary>
    private string? Name(YamlMap map, string key, NameKind kind, bool required = false)
    {
        if (map.String(key, required) is not { } name) return null;
        references.Add(new NameReference(kind, new Located<string>(name, map.Value(key)!.Start), map.PathOf(key)));
        return name;
    }

    /// <summary>Actions without a value are written "heal: true"; anything else is reported.</summary>
    private bool True(YamlMap map, string key)
    {
        if (map.Bool(key) is not { } value) return false;
        if (!value) problems.Add(map.Value(key)!, $"{map.PathOf(key)}: false does nothing; write {key}: true or leave the entry out");
        return value;
    }

    private SimAction.Partition? Partition(YamlNode node, string path)
    {
        if (YamlRead.Sequence(node, path, problems) is not { } sideNodes) return null;
        if (sideNodes.Count == 0)
        {
            problems.Add(node, $"{path} needs at least one side, e.g. [[n1, n2], [n3]]");
            return null;
        }

        var sides = new List<IReadOnlyList<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ok = true;
        for (var i = 0; i < sideNodes.Count; i++)
        {
            var sidePath = $"{path}[#{i + 1}]";
            if (YamlRead.StringList(sideNodes[i], sidePath, problems) is not { } names)
            {
                ok = false;
                continue;
            }

            if (names.Count == 0)
            {
                problems.Add(sideNodes[i], $"{sidePath} is empty; a side names at least one node");
                ok = false;
            }

            foreach (var name in names)
            {
                references.Add(new NameReference(NameKind.Node, name, sidePath));
                if (!seen.Add(name.Value))
                {
                    problems.Add(name.At, $"node '{name.Value}' is on two sides of {path}");
                    ok = false;
                }
            }

            sides.Add(names.Select(n => n.Value).ToList());
        }

        return ok ? new SimAction.Partition(sides) : null;
    }
}
