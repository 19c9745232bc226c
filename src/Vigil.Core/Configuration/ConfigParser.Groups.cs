using Vigil.Core.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Configuration;

/// <summary>failover_policies and resource_groups.</summary>
internal sealed partial class ConfigParser
{
    private static readonly string[] PolicyKeys = ["name", "domain", "script", "failback", "recovery"];
    private static readonly string[] GroupKeys = ["name", "resources", "policy", "local_restarts"];

    private FailoverPolicyConfig? ParsePolicy(YamlNode node, string path)
    {
        if (Entry(node, path, PolicyKeys) is not var (map, name)) return null;
        var domain = map.StringList("domain", required: true) ?? [];
        var (script, scriptPath) = ParseScript(map);
        var policy = new FailoverPolicyConfig(name, domain.Select(d => d.Value).ToList(), script, scriptPath,
            map.Choice("failback", ConfigWords.Failback) ?? FailbackMode.Controlled,
            map.Choice("recovery", ConfigWords.Recovery) ?? RecoveryMode.Auto);
        where.SetList(policy, "domain", domain);
        PlaceKey(policy, map, "domain");
        return Place(policy, map);
    }

    private (FailoverScriptKind, string?) ParseScript(YamlMap map)
    {
        switch (map.String("script"))
        {
            case null or "ordered": return (FailoverScriptKind.Ordered, null);
            case "round-robin": return (FailoverScriptKind.RoundRobin, null);
            case var p when p.StartsWith('/') || p.StartsWith("./", StringComparison.Ordinal):
                return (FailoverScriptKind.Custom, p);
            case var other:
                problems.Add(map.Value("script")!, $"unknown value '{other}' for {map.PathOf("script")}; allowed values: " +
                    "ordered, round-robin, or the path of a custom script (absolute, or starting with ./)");
                return (FailoverScriptKind.Ordered, null);
        }
    }

    private ResourceGroupConfig? ParseGroup(YamlNode node, string path)
    {
        if (Entry(node, path, GroupKeys) is not var (map, name)) return null;
        var resources = map.StringList("resources", required: true) ?? [];
        var group = new ResourceGroupConfig(name, resources.Select(r => r.Value).ToList(),
            map.String("policy", required: true) ?? "", map.Int("local_restarts", 0) ?? 0);
        where.SetList(group, "resources", resources);
        PlaceKey(group, map, "policy");
        PlaceKey(group, map, "resources");
        return Place(group, map);
    }
}
