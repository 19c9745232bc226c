using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vigil.Core.Configuration;
using Vigil.Simulation;
using Vigil.Simulation.Scenarios;

namespace Vigil.Cli.Simulate;

/// <summary>'vigil simulate SCENARIO.yaml': load, check, run, and print the story and the verdict.</summary>
internal static class ScenarioRun
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    public static int Run(FileInfo file, bool json, int? seed, bool verbose, TextWriter stdout, TextWriter stderr)
    {
        var name = file.ToString();
        try
        {
            var (loaded, problems) = Load(name);
            if (loaded is null) return ReportProblems(name, problems, json, stdout, stderr);
            var (scenario, config, configPath) = loaded.Value;
            ScenarioOutcome outcome;
            try
            {
                outcome = ScenarioRunner.Run(scenario, config, ProcessFailoverScriptRunner.For(config, configPath), seed);
            }
            catch (SimulationLimitException e)
            {
                stderr.WriteLine($"{name}: the run was stopped: {e.Message}");
                return 1;
            }

            if (json) stdout.WriteLine(ToJson(name, configPath, scenario, outcome));
            else new ScenarioReport(stdout, verbose).Write(name, configPath, scenario, config, outcome);
            return outcome.Passed ? 0 : 1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stderr.WriteLine($"{name}: internal error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The scenario and its configuration, or every problem of both files.</summary>
    private static ((Scenario, ClusterConfig, string)?, IReadOnlyList<ConfigProblem>) Load(string name)
    {
        var (text, error) = InputFile.Read(name);
        if (text is null) return (null, [new ConfigProblem(name, 0, 0, "cannot read: " + error)]);
        var parsed = ScenarioParser.Parse(text, name);
        if (parsed.ConfigPath is null) return (null, parsed.Problems);
        var configPath = Path.Combine(Path.GetDirectoryName(name) ?? "", parsed.ConfigPath);
        var (configText, configError) = InputFile.Read(configPath);
        if (configText is null)
            return (null, [parsed.ProblemAtConfigPath($"cannot read configuration {configPath}: {configError}"), .. parsed.Problems]);
        var loaded = ConfigLoader.Load(configText, configPath);
        if (loaded.Config is null) return (null, [.. loaded.Problems, .. parsed.Problems]);
        var checkedResult = parsed.CheckAgainst(loaded.Config);
        return checkedResult.Scenario is { } scenario
            ? ((scenario, loaded.Config, configPath), [])
            : (null, checkedResult.Problems);
    }

    private static int ReportProblems(string name, IReadOnlyList<ConfigProblem> problems, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (json)
            stdout.WriteLine(JsonSerializer.Serialize(new { scenario = name, passed = false, problems }, JsonOptions));
        else
            foreach (var p in problems) stderr.WriteLine(InputFile.Format(p));
        return 1;
    }

    private static string ToJson(string name, string configPath, Scenario scenario, ScenarioOutcome outcome)
    {
        var simulation = outcome.Simulation;
        var document = new
        {
            scenario = name,
            description = scenario.Description,
            config = configPath,
            seed = simulation.Seed,
            durationSeconds = scenario.Duration.TotalSeconds,
            passed = outcome.Passed,
            events = simulation.EventLog.Entries.Select(e => new
            {
                atSeconds = Math.Round(e.At.TotalSeconds, 6),
                kind = e.Kind.ToString().ToLowerInvariant(),
                node = e.Node,
                message = e.Message,
            }),
            placement = simulation.Placement.Values.OrderBy(p => Index(simulation.Config, p.Group)).Select(p => new
            {
                group = p.Group,
                node = p.SettledOn,
                runningOn = p.RunningOn,
                owner = p.Owner,
                target = p.Target.ToString().ToLowerInvariant(),
                activeAttention = p.ActiveAttention,
            }),
            violations = simulation.Violations.Select(v => new
            {
                seed = v.Seed,
                kind = v.Kind.ToString(),
                atSeconds = Math.Round(v.At.TotalSeconds, 6),
                message = v.Message,
            }),
            expectations = outcome.Expectations,
        };
        return JsonSerializer.Serialize(document, JsonOptions);
    }

    internal static int Index(ClusterConfig config, string group)
    {
        for (var i = 0; i < config.ResourceGroups.Count; i++)
            if (config.ResourceGroups[i].Name == group) return i;
        return int.MaxValue;
    }

    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
