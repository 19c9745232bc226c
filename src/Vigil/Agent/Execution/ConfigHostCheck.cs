using Vigil.Cli.Agent.Execution.Ocf;
using Vigil.Core.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// The checks of a valid configuration that only the shell can make, located in the YAML text: `process`
/// resource params, fence device params (no inline passwords…), and — when <c>agents</c> is set — OCF resources
/// against their agents' meta-data on this host (<see cref="AgentTypeCheck"/>; may run programs, so never on the
/// agent's decision thread). Used by `vigil validate`, `vigil config apply`, the agent at start and the leader
/// before it proposes a config version.
/// </summary>
internal static class ConfigHostCheck
{
    public static AgentTypeFindings Run(ClusterConfig config, string fileName, string yamlText, bool agents)
    {
        var found = agents ? AgentTypeCheck.Run(config, fileName, yamlText, OcfAgent.DefaultRoot) : AgentTypeFindings.None;
        var errors = new List<ConfigProblem>(found.Errors);
        var resources = Entries(yamlText, "resources");
        foreach (var resource in config.Resources.Where(r => r.Type == "process"))
            foreach (var problem in ProcessBackend.CheckParams(resource.Name, resource.Params))
                errors.Add(At(fileName, resources.GetValueOrDefault(resource.Name), problem));
        var devices = Entries(yamlText, "fence_devices");
        foreach (var device in config.FenceDevices)
            foreach (var problem in FenceRunner.CheckDevice(device))
                errors.Add(At(fileName, devices.GetValueOrDefault(device.Name), problem));
        return new AgentTypeFindings(errors.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList(), found.Warnings);
    }

    private static ConfigProblem At(string file, Mark? at, string message) =>
        new(file, at is { } m ? (int)m.Line : 0, at is { } c ? (int)c.Column : 0, message);

    /// <summary>name -> where the entry starts, for the list under a top-level key.</summary>
    private static Dictionary<string, Mark> Entries(string yamlText, string section)
    {
        var found = new Dictionary<string, Mark>(StringComparer.Ordinal);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yamlText));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return found;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return found;
        if (Value(root, section) is not YamlSequenceNode list) return found;
        foreach (var entry in list.Children.OfType<YamlMappingNode>())
            if (Value(entry, "name") is YamlScalarNode { Value: { } name }) found.TryAdd(name, entry.Start);
        return found;
    }

    private static YamlNode? Value(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: var k } && k == key).Value;
}
