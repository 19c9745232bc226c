using Vigil.Cli.Agent.Execution.Ocf;
using Vigil.Core.Configuration;
using YamlDotNet.Core;

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

    private static Dictionary<string, Mark> Entries(string yamlText, string section) =>
        ConfigYaml.Entries(yamlText, section).ToDictionary(e => e.Key, e => e.Value.Start, StringComparer.Ordinal);
}
