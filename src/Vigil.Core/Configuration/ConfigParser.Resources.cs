using Vigil.Core.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Configuration;

/// <summary>resource_types and resources.</summary>
internal sealed partial class ConfigParser
{
    private static readonly string[] TypeKeys = ["name", "actions", "timeouts", "monitor_interval", "requires_types"];
    private static readonly string[] ResourceKeys = ["name", "type", "params", "depends_on"];

    private ResourceTypeConfig? ParseResourceType(YamlNode node, string path)
    {
        if (Entry(node, path, TypeKeys) is not var (map, name)) return null;
        var requires = map.StringList("requires_types") ?? [];
        var type = new ResourceTypeConfig(name, ParseActions(map), ParseTimeouts(map),
            map.Duration("monitor_interval") ?? ResourceTypeCatalog.DefaultMonitorInterval,
            requires.Select(r => r.Value).ToList());
        where.SetList(type, "requires_types", requires);
        PlaceKey(type, map, "actions");
        return Place(type, map);
    }

    private Dictionary<ResourceAction, string> ParseActions(YamlMap type)
    {
        var actions = new Dictionary<ResourceAction, string>();
        if (type.Map("actions", ConfigWords.ActionNames) is not { } map) return actions;
        foreach (var (word, action) in ConfigWords.Actions)
            if (map.String(word) is { } program)
                actions[action] = program;
        return actions;
    }

    private ActionTimeouts ParseTimeouts(YamlMap type)
    {
        var d = ActionTimeouts.Default;
        if (type.Map("timeouts", ConfigWords.ActionNames) is not { } map) return d;
        return new ActionTimeouts(
            map.Duration("exclusive") ?? d.Exclusive, map.Duration("start") ?? d.Start, map.Duration("stop") ?? d.Stop,
            map.Duration("monitor") ?? d.Monitor, map.Duration("restart") ?? d.Restart);
    }

    private ResourceConfig? ParseResource(YamlNode node, string path)
    {
        if (Entry(node, path, ResourceKeys) is not var (map, name)) return null;
        var parameters = map.StringMap("params") ?? [];
        var dependsOn = map.StringList("depends_on") ?? [];
        var resource = new ResourceConfig(name, map.String("type", required: true) ?? "",
            ToDictionary(parameters), dependsOn.Select(d => d.Value).ToList());
        PlaceKey(resource, map, "type");
        where.SetList(resource, "depends_on", dependsOn);
        foreach (var (key, value) in parameters) where.Set(resource, "params." + key.Value, value.At);
        return Place(resource, map);
    }
}
