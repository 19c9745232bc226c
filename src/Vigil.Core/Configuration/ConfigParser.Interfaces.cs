using Vigil.Core.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Configuration;

/// <summary>interface_groups.</summary>
internal sealed partial class ConfigParser
{
    private static readonly string[] InterfaceGroupKeys = ["name", "node", "interfaces", "detection", "failback"];
    private static readonly string[] InterfaceKeys = ["name", "test_address", "backup"];
    private static readonly string[] DetectionKeys = ["link", "probes", "failure_detection_time", "targets"];

    private InterfaceGroupConfig? ParseInterfaceGroup(YamlNode node, string path)
    {
        if (Entry(node, path, InterfaceGroupKeys) is not var (map, name)) return null;
        var group = new InterfaceGroupConfig(name, map.String("node", required: true) ?? "",
            List(map, "interfaces", ParseInterface, required: true), ParseDetection(map),
            map.Choice("failback", ConfigWords.InterfaceFailback) ?? InterfaceFailback.Auto);
        PlaceKey(group, map, "node");
        return Place(group, map);
    }

    private InterfaceConfig? ParseInterface(YamlNode node, string path)
    {
        if (Entry(node, path, InterfaceKeys) is not var (map, name)) return null;
        var testAddress = map.String("test_address");
        if (testAddress is not null && !AddressParser.TryParseCidr(testAddress, out _, out _))
            problems.Add(map.Value("test_address")!, $"invalid address '{testAddress}' for {map.PathOf("test_address")}; " +
                "expected IP/prefix, for example 192.168.85.21/24");
        var result = new InterfaceConfig(name, testAddress, map.String("backup"));
        PlaceKey(result, map, "backup");
        return Place(result, map);
    }

    private DetectionConfig ParseDetection(YamlMap group)
    {
        var map = group.Map("detection", DetectionKeys);
        return new DetectionConfig(map?.Bool("link") ?? true, map?.Bool("probes") ?? true,
            map?.Duration("failure_detection_time") ?? DetectionConfig.DefaultFailureDetectionTime, ParseTargets(map));
    }

    private List<string> ParseTargets(YamlMap? detection)
    {
        if (detection?.Value("targets") is not { } node) return [];
        if (node is YamlScalarNode { Value: "auto" }) return [];
        var path = detection.PathOf("targets");
        if (node is not YamlSequenceNode)
        {
            YamlRead.Expected(node, "'auto' or a list of IP addresses", path, problems);
            return [];
        }

        var targets = YamlRead.StringList(node, path, problems) ?? [];
        foreach (var bad in targets.Where(t => !AddressParser.IsAddress(t.Value)))
            problems.Add(bad.At, $"invalid probe target '{bad.Value}' in {path}; expected an IP address");
        return targets.Select(t => t.Value).ToList();
    }
}
