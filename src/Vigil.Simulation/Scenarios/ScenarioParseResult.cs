using Vigil.Core.Configuration;
using Vigil.Core.Configuration.Yaml;
using YamlDotNet.Core;

namespace Vigil.Simulation.Scenarios;

/// <summary>
/// The outcome of reading a scenario: the scenario when there is no problem, else every problem found (located
/// FILE:LINE:COLUMN). <see cref="ConfigPath"/> is set whenever the <c>config</c> key could be read, so a caller
/// can load the configuration and report its problems too, even when the scenario has some.
/// </summary>
public sealed record ScenarioParseResult(Scenario? Scenario, IReadOnlyList<ConfigProblem> Problems, string? ConfigPath)
{
    /// <summary>Names the scenario uses, where they are written; checked against a configuration later.</summary>
    internal IReadOnlyList<NameReference> References { get; init; } = [];

    /// <summary>The scenario file's name as given to the parser.</summary>
    public string FileName { get; init; } = "";

    /// <summary>Where the <c>config</c> key is written (the file start when it is missing).</summary>
    internal Mark ConfigPathAt { get; init; } = Mark.Empty;

    /// <summary>A problem located at the scenario's <c>config</c> key, e.g. "cannot read configuration …".</summary>
    public ConfigProblem ProblemAtConfigPath(string message) =>
        new(FileName, (int)Math.Max(1, ConfigPathAt.Line), (int)Math.Max(1, ConfigPathAt.Column), message);

    /// <summary>True when there is a scenario and no problem.</summary>
    public bool IsValid => Scenario is not null && Problems.Count == 0;

    /// <summary>
    /// Checks every node, resource, group and critical device name the scenario uses against
    /// <paramref name="config"/>, adding a located problem (with a did-you-mean) for each unknown one.
    /// </summary>
    public ScenarioParseResult CheckAgainst(ClusterConfig config)
    {
        var problems = new ProblemList(FileName);
        foreach (var reference in References) Check(reference, config, problems);
        if (problems.Count == 0) return this;
        var all = Problems.Concat(problems.InFileOrder()).OrderBy(p => p.Line).ThenBy(p => p.Column).ToList();
        return this with { Scenario = null, Problems = all };
    }

    private static void Check(NameReference reference, ClusterConfig config, ProblemList problems)
    {
        var name = reference.Name.Value;
        IReadOnlyList<string> known = reference.Kind switch
        {
            NameKind.Node => config.Nodes.Select(n => n.Name).ToList(),
            NameKind.Group => config.ResourceGroups.Select(g => g.Name).ToList(),
            NameKind.Resource => config.Resources.Select(r => r.Name).ToList(),
            NameKind.CriticalDevice => config.CriticalDevices.Select(d => d.Name).ToList(),
            _ => throw new ArgumentOutOfRangeException(nameof(reference), reference.Kind, null),
        };
        if (!known.Contains(name, StringComparer.Ordinal))
        {
            var what = reference.Kind switch
            {
                NameKind.Node => "node",
                NameKind.Group => "resource group",
                NameKind.Resource => "resource",
                _ => "critical device",
            };
            var hint = known.Count == 0 ? $" (the configuration has no {what}s)" : DidYouMean.Hint(name, known);
            problems.Add(reference.Name.At, $"unknown {what} '{name}' in {reference.Context}{hint}");
            return;
        }

        if (reference.DomainOf is { } group && config.HasGroup(group))
        {
            var domain = config.PolicyOf(config.Group(group)).Domain;
            if (!domain.Contains(name, StringComparer.Ordinal))
                problems.Add(reference.Name.At,
                    $"{reference.Context}: node '{name}' is not in the failover domain of {group} ({string.Join(", ", domain)}), so the group can never run there");
        }
    }
}

internal enum NameKind { Node, Group, Resource, CriticalDevice }

/// <summary>A name used in a scenario; <paramref name="DomainOf"/>: the node must also be in that group's failover domain.</summary>
internal sealed record NameReference(NameKind Kind, Located<string> Name, string Context, string? DomainOf = null);
