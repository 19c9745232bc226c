using Vigil.Core.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Configuration;

/// <summary>
/// Turns the YAML tree into the configuration model, recording the position of every part in a
/// <see cref="SourceMap"/>. Reports syntax-level problems (unknown keys, wrong types, bad values) and keeps
/// going; entries without a usable name are skipped. Cross-reference checks are <see cref="ConfigValidator"/>'s.
/// </summary>
internal sealed partial class ConfigParser(ProblemList problems, SourceMap where)
{
    private static readonly string[] TopKeys =
    [
        "cluster", "networks", "nodes", "fence_devices", "critical_devices", "resource_types", "resources",
        "failover_policies", "resource_groups", "interface_groups", "notify",
    ];

    private static readonly string[] NotifyKeys = ["command", "timeout", "events"];

    private static readonly string[] ClusterKeys = ["name", "id", "mode", "key_file", "tiebreaker", "no_quorum", "timing"];
    private static readonly string[] TimingKeys = ["heartbeat_interval", "dead_after"];
    private static readonly string[] NameOnly = ["name"];

    /// <summary>The model, or null when the root is not a mapping.</summary>
    public ClusterConfig? Parse(YamlNode root)
    {
        if (YamlMap.Open(root, "", problems, TopKeys) is not { } top) return null;
        var networks = List(top, "networks", ParseNetwork, required: true);
        var nodes = List(top, "nodes", ParseNode, required: true);
        return new ClusterConfig(
            ParseCluster(top, nodes),
            networks,
            nodes,
            List(top, "fence_devices", ParseFenceDevice),
            List(top, "critical_devices", ParseCriticalDevice),
            List(top, "resource_types", ParseResourceType),
            List(top, "resources", ParseResource),
            List(top, "failover_policies", ParsePolicy),
            List(top, "resource_groups", ParseGroup),
            List(top, "interface_groups", ParseInterfaceGroup))
        {
            Notify = List(top, "notify", ParseNotify),
        };
    }

    /// <summary>A notify hook: `{ command: PATH, timeout: 10s, events: [node_failed, …] }`.</summary>
    private NotifyConfig? ParseNotify(YamlNode node, string path)
    {
        if (YamlMap.Open(node, path, problems, NotifyKeys) is not { } map) return null;
        var events = map.StringList("events") ?? [];
        var hook = new NotifyConfig(map.String("command", required: true) ?? "", map.Duration("timeout") ?? NotifyConfig.DefaultTimeout,
            events.Select(e => e.Value).ToList());
        where.Set(hook, "", map.Start);
        where.SetList(hook, "events", events);
        return hook;
    }

    /// <summary>Reads a list section, parsing each entry and dropping the ones that cannot be used.</summary>
    private List<T> List<T>(YamlMap parent, string key, Func<YamlNode, string, T?> parseEntry, bool required = false)
        where T : class
    {
        var result = new List<T>();
        if (parent.Sequence(key, required) is not { } items) return result;
        if (required && items.Count == 0)
            problems.Add(parent.Value(key)!, $"{parent.PathOf(key)} must list at least one entry");
        for (var i = 0; i < items.Count; i++)
            if (parseEntry(items[i], YamlPath.Item(parent.PathOf(key), items[i], i)) is { } entry)
                result.Add(entry);
        return result;
    }

    /// <summary>Opens a list entry and reads its required name; null (reported) if either fails.</summary>
    private (YamlMap Map, string Name)? Entry(YamlNode node, string path, string[] keys)
    {
        if (YamlMap.Open(node, path, problems, keys) is not { } map) return null;
        return map.String("name", required: true) is { } name ? (map, name) : null;
    }

    /// <summary>Records where an entry and its name were written.</summary>
    private T Place<T>(T owner, YamlMap map) where T : notnull
    {
        where.Set(owner, "", map.Start);
        where.Set(owner, "name", map.Value("name")?.Start ?? map.Start);
        return owner;
    }

    private void PlaceKey(object owner, YamlMap map, string key) =>
        where.Set(owner, key, map.Value(key)?.Start ?? map.KeyMark(key));

    /// <summary>
    /// The cluster section. A cluster of exactly two voters without a tiebreaker gets its first node as the
    /// tiebreaker (FailSafe's default; see docs/design/quorum.md): otherwise neither half could ever proceed alone.
    /// </summary>
    private ClusterSettings ParseCluster(YamlMap top, List<NodeConfig> nodes)
    {
        var map = top.Map("cluster", ClusterKeys, required: true);
        var settings = new ClusterSettings(
            map?.String("name", required: true) ?? "",
            map?.Int("id", 1, 65535, required: true) ?? 0,
            map?.Choice("mode", ConfigWords.Modes) ?? ClusterMode.HighAvailability,
            map?.String("key_file"),
            map?.String("tiebreaker") ?? (nodes.Count == 2 ? nodes[0].Name : null),
            map?.Choice("no_quorum", ConfigWords.NoQuorum) ?? NoQuorumAction.Stop,
            ParseTiming(map));
        if (map is not null)
        {
            where.Set(settings, "", map.Start);
            PlaceKey(settings, map, "tiebreaker");
        }

        return settings;
    }

    private TimingConfig ParseTiming(YamlMap? cluster)
    {
        if (cluster?.Map("timing", TimingKeys) is not { } map) return TimingConfig.Default;
        return new TimingConfig(
            map.Duration("heartbeat_interval") ?? TimingConfig.Default.HeartbeatInterval,
            map.Int("dead_after", 1) ?? TimingConfig.Default.DeadAfter);
    }

    private NetworkConfig? ParseNetwork(YamlNode node, string path) =>
        Entry(node, path, NameOnly) is var (map, name) ? Place(new NetworkConfig(name), map) : null;

    private static Dictionary<string, string> ToDictionary(IReadOnlyList<(Located<string> Key, Located<string> Value)>? pairs) =>
        (pairs ?? []).GroupBy(p => p.Key.Value).ToDictionary(g => g.Key, g => g.First().Value.Value, StringComparer.Ordinal);
}
