using Vigil.Core.Configuration;
using Vigil.Core.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Vigil.Simulation.Scenarios;

/// <summary>
/// Reads a scenario file (docs/scenarios.md). Pure: the caller reads the files. Never throws for bad input —
/// every problem (syntax, unknown keys with a did-you-mean, wrong types, bad durations) is located in the result;
/// names are checked against the cluster configuration by <see cref="ScenarioParseResult.CheckAgainst"/>.
/// </summary>
public static class ScenarioParser
{
    internal static readonly string[] TopKeys = ["description", "config", "seed", "duration", "options", "timeline", "expect"];
    internal static readonly string[] OptionKeys = ["fence_mode", "reboot_delay"];
    internal static readonly string[] ExpectKeys = ["placement", "active_attention", "events"];

    /// <summary>The word <c>expect.placement</c> uses for a group that runs nowhere.</summary>
    public const string Stopped = "stopped";

    private static readonly (string Word, FenceMode Value)[] FenceModes = [("reboot", FenceMode.Reboot), ("off", FenceMode.Off)];

    /// <summary>Parses <paramref name="yamlText"/> (named <paramref name="fileName"/> in problems) without a configuration.</summary>
    public static ScenarioParseResult Parse(string yamlText, string fileName)
    {
        var problems = new ProblemList(fileName);
        var references = new List<NameReference>();
        string? configPath = null;
        Scenario? scenario = null;
        var configAt = YamlDotNet.Core.Mark.Empty;
        try
        {
            if (YamlText.Parse(yamlText, problems) is { } root)
                (scenario, configPath, configAt) = Read(root, problems, references);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The readers report instead of throwing; this is a last guard so bad input never crashes a caller.
            problems.Add(YamlDotNet.Core.Mark.Empty, "cannot read the scenario: " + e.Message);
        }

        var list = problems.InFileOrder();
        return new ScenarioParseResult(list.Count == 0 ? scenario : null, list, configPath)
        {
            References = references,
            FileName = fileName,
            ConfigPathAt = configAt,
        };
    }

    /// <summary>Parses and checks the names against <paramref name="config"/>.</summary>
    public static ScenarioParseResult Parse(string yamlText, string fileName, ClusterConfig config) =>
        Parse(yamlText, fileName).CheckAgainst(config);

    private static (Scenario?, string?, YamlDotNet.Core.Mark) Read(YamlNode root, ProblemList problems, List<NameReference> references)
    {
        if (YamlMap.Open(root, "", problems, TopKeys) is not { } top) return (null, null, root.Start);
        var configAt = top.Value("config")?.Start ?? top.KeyMark("config");
        var description = top.String("description");
        var configPath = top.String("config", required: true);
        var seed = top.Int("seed", 0) ?? Scenario.DefaultSeed;
        var options = ReadOptions(top);
        var timeline = new TimelineReader(problems, references).Read(top);
        var expectations = ReadExpectations(top, references);
        var last = timeline.Count == 0 ? TimeSpan.Zero : timeline.Max(a => a.At);
        var duration = top.Duration("duration");
        if (duration is { } d && d < last)
            problems.Add(top.Value("duration")!, $"duration {Text(d)} ends before the last timeline entry at {Text(last)}");
        if (configPath is null) return (null, null, configAt);
        var scenario = new Scenario(description, configPath, seed, duration ?? last + Scenario.DefaultTail, options, timeline, expectations);
        return (scenario, configPath, configAt);
    }

    private static ScenarioOptions ReadOptions(YamlMap top)
    {
        if (top.Map("options", OptionKeys) is not { } map) return ScenarioOptions.Default;
        return new ScenarioOptions(
            map.Choice("fence_mode", FenceModes) ?? ScenarioOptions.Default.FenceMode,
            map.Duration("reboot_delay", allowZero: true) ?? ScenarioOptions.Default.RebootDelay);
    }

    private static ScenarioExpectations ReadExpectations(YamlMap top, List<NameReference> references)
    {
        if (top.Map("expect", ExpectKeys) is not { } map) return ScenarioExpectations.None;
        var placement = new List<PlacementExpectation>();
        foreach (var (group, node) in map.StringMap("placement") ?? [])
        {
            var path = map.PathOf("placement") + "." + group.Value;
            references.Add(new NameReference(NameKind.Group, group, map.PathOf("placement")));
            if (placement.Any(p => p.Group == group.Value))
                map.Problems.Add(group.At, $"{path} is written twice");
            if (node.Value == Stopped)
            {
                placement.Add(new PlacementExpectation(group.Value, null));
                continue;
            }

            references.Add(new NameReference(NameKind.Node, node, path, DomainOf: group.Value));
            placement.Add(new PlacementExpectation(group.Value, node.Value));
        }

        IReadOnlyList<string>? attention = null;
        if (map.StringList("active_attention") is { } groups)
        {
            foreach (var g in groups) references.Add(new NameReference(NameKind.Group, g, map.PathOf("active_attention")));
            attention = groups.Select(g => g.Value).Distinct(StringComparer.Ordinal).ToList();
        }

        var events = new List<string>();
        foreach (var text in map.StringList("events") ?? [])
        {
            if (text.Value.Length == 0) map.Problems.Add(text.At, $"{map.PathOf("events")} holds an empty text, which every log matches");
            else events.Add(text.Value);
        }

        return new ScenarioExpectations(placement, attention, events);
    }

    internal static string Text(TimeSpan t) =>
        t.TotalMilliseconds % 1000 == 0 ? $"{t.TotalSeconds:0}s" : $"{t.TotalMilliseconds:0.###}ms";
}
