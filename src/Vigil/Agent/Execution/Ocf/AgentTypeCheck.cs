using Vigil.Core.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Cli.Agent.Execution.Ocf;

/// <summary>
/// What <see cref="AgentTypeCheck"/> found. Errors are configuration mistakes (a required param missing, a param the
/// agent does not have); warnings are about the checking host (the agent is not installed here, or its meta-data
/// cannot be read), which may not be a cluster node at all.
/// </summary>
internal sealed record AgentTypeFindings(IReadOnlyList<ConfigProblem> Errors, IReadOnlyList<ConfigProblem> Warnings)
{
    public static readonly AgentTypeFindings None = new([], []);
}

/// <summary>
/// Responsible for checking every "ocf:PROVIDER:AGENT" resource of a valid configuration against its agent's
/// meta-data (<see cref="OcfMetadata"/>), located in the YAML text: an unknown param at its key, a missing
/// required param or a missing agent at the resource's type value.
/// </summary>
internal static class AgentTypeCheck
{
    /// <summary>Errors then warnings, each in file order (see <see cref="Run"/> to tell them apart).</summary>
    public static IReadOnlyList<ConfigProblem> Check(ClusterConfig config, string fileName, string yamlText)
    {
        var findings = Run(config, fileName, yamlText, OcfAgent.DefaultRoot);
        return [.. findings.Errors, .. findings.Warnings];
    }

    /// <summary>Checks every OCF resource against the agents under <paramref name="ocfRoot"/>.</summary>
    public static AgentTypeFindings Run(ClusterConfig config, string fileName, string yamlText, string ocfRoot)
    {
        var ocfResources = config.Resources.Where(r => OcfAgent.Parse(r.Type, ocfRoot) is not null).ToList();
        if (ocfResources.Count == 0) return AgentTypeFindings.None;
        var places = ResourcePlaces.Find(yamlText);
        var errors = new List<ConfigProblem>();
        var warnings = new List<ConfigProblem>();
        foreach (var resource in ocfResources)
        {
            places.TryGetValue(resource.Name, out var place);
            foreach (var problem in OcfMetadata.Problems(resource.Name, resource.Type, resource.Params, ocfRoot))
            {
                var at = problem.Kind == OcfProblemKind.UnknownParam && place?.ParamKeys.GetValueOrDefault(problem.Param!) is { } key ? key
                    : place?.Type ?? place?.Entry;
                var located = new ConfigProblem(fileName, at is { } m ? (int)m.Line : 0, at is { } c ? (int)c.Column : 0, problem.Message);
                (problem.IsAboutHost ? warnings : errors).Add(located);
            }
        }
        return new AgentTypeFindings(InFileOrder(errors), InFileOrder(warnings));
    }

    private static List<ConfigProblem> InFileOrder(List<ConfigProblem> problems) =>
        problems.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList();

    /// <summary>Where each resource entry, its type value and its param keys are in the YAML text.</summary>
    private sealed record ResourcePlaces(Mark Entry, Mark? Type, IReadOnlyDictionary<string, Mark> ParamKeys)
    {
        /// <summary>By resource name; empty when the text does not parse (the configuration was loaded from it, so it does).</summary>
        public static Dictionary<string, ResourcePlaces> Find(string yamlText)
        {
            var places = new Dictionary<string, ResourcePlaces>(StringComparer.Ordinal);
            foreach (var (name, entry) in ConfigYaml.Entries(yamlText, "resources"))
            {
                var keys = new Dictionary<string, Mark>(StringComparer.Ordinal);
                if (ConfigYaml.Value(entry, "params") is YamlMappingNode parameters)
                    foreach (var key in parameters.Children.Keys.OfType<YamlScalarNode>())
                        if (key.Value is { } k) keys.TryAdd(k, key.Start);
                places.Add(name, new ResourcePlaces(entry.Start, ConfigYaml.Value(entry, "type")?.Start, keys));
            }
            return places;
        }
    }
}
