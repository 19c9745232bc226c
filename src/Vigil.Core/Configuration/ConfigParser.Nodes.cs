using System.Net;
using Vigil.Core.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Configuration;

/// <summary>nodes, fence_devices and critical_devices.</summary>
internal sealed partial class ConfigParser
{
    private static readonly string[] NodeKeys = ["name", "addresses", "api", "fence", "role"];
    private static readonly string[] FenceKeys = ["device", "port"];
    private static readonly string[] FenceDeviceKeys = ["name", "agent", "params"];
    private static readonly string[] CriticalKeys = ["name", "check", "interval", "timeout"];

    private NodeConfig? ParseNode(YamlNode node, string path)
    {
        if (Entry(node, path, NodeKeys) is not var (map, name)) return null;
        var addresses = map.StringMap("addresses") ?? [];
        var fenceMap = map.Map("fence", FenceKeys);
        var fence = fenceMap is null ? null : ParseNodeFence(fenceMap);
        var result = new NodeConfig(name, ToDictionary(addresses), ParseApi(map), fence,
            map.Choice("role", ConfigWords.Roles) ?? NodeRole.Server);
        foreach (var (key, value) in addresses)
        {
            where.Set(result, "addresses." + key.Value, key.At);
            CheckEndpoint(value.Value, value.At, $"{map.PathOf("addresses")}.{key.Value}");
        }

        return Place(result, map);
    }

    private NodeFenceConfig? ParseNodeFence(YamlMap map)
    {
        if (map.String("device", required: true) is not { } device) return null;
        var fence = new NodeFenceConfig(device, map.String("port"));
        PlaceKey(fence, map, "device");
        return fence;
    }

    private string? ParseApi(YamlMap map)
    {
        if (map.String("api") is not { } api) return null;
        var at = map.Value("api")!.Start;
        if (CheckEndpoint(api, at, map.PathOf("api")) is { } endpoint && !IPAddress.IsLoopback(endpoint.Address))
            problems.Add(at, $"{map.PathOf("api")} must be a loopback address (127.0.0.1 or [::1]), got '{api}'");
        return api;
    }

    private IPEndPoint? CheckEndpoint(string text, YamlDotNet.Core.Mark at, string path)
    {
        if (AddressParser.TryParseEndpoint(text, out var endpoint)) return endpoint;
        problems.Add(at, $"invalid address '{text}' for {path}; expected IP:port or [IPv6]:port with a port from 1 to 65535");
        return null;
    }

    private FenceDeviceConfig? ParseFenceDevice(YamlNode node, string path)
    {
        if (Entry(node, path, FenceDeviceKeys) is not var (map, name)) return null;
        var device = new FenceDeviceConfig(name, map.String("agent", required: true) ?? "",
            ToDictionary(map.StringMap("params")));
        return Place(device, map);
    }

    private CriticalDeviceConfig? ParseCriticalDevice(YamlNode node, string path)
    {
        if (Entry(node, path, CriticalKeys) is not var (map, name)) return null;
        var device = new CriticalDeviceConfig(name, map.String("check", required: true) ?? "",
            map.Duration("interval") ?? TimeSpan.FromSeconds(1), map.Duration("timeout") ?? TimeSpan.FromSeconds(2));
        return Place(device, map);
    }
}
