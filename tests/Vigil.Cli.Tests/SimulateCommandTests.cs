using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vigil.Cli.Tests;

/// <summary>'vigil simulate', run as the real executable.</summary>
public sealed class SimulateCommandTests
{
    public static TheoryData<string> Examples => new(
        "demo", "failsafe-ordered", "failsafe-round-robin", "failsafe-membership", "tiebreaker-split", "clusterxl-failback",
        "clusterxl-maintain-active", "clusterxl-load-sharing", "active-attention", "fencing-failure", "custom-script");

    private static string ExamplesDir => Path.GetDirectoryName(Path.GetDirectoryName(VigilProcess.RepoFile("examples/demo/scenario.yaml"))!)!;

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_scenario_passes(string example)
    {
        var result = VigilProcess.Run(["simulate", Path.Combine("examples", example, "scenario.yaml")], Path.GetDirectoryName(ExamplesDir));
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        Assert.Contains("Final placement:", result.StdOut);
        Assert.Contains("Result: PASS", result.StdOut);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_config_is_valid(string example)
    {
        var result = VigilProcess.Run("validate", Path.Combine(ExamplesDir, example, "cluster.yaml"));
        Assert.True(result.ExitCode == 0, result.StdErr);
    }

    [Fact]
    public void Demo_reads_like_a_story()
    {
        var result = VigilProcess.Run("simulate", Path.Combine(ExamplesDir, "demo", "scenario.yaml"));
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"\d+\.\d{3}s decision\s+n\d: .* -> n\d .*: ", result.StdOut);
        Assert.Contains("fault       kill n1", result.StdOut);
        Assert.Contains("Expectations:", result.StdOut);
        Assert.DoesNotContain(" view 1: [", result.StdOut); // membership views only with --verbose
    }

    [Fact]
    public void Json_is_one_document_with_placement()
    {
        var result = VigilProcess.Run("simulate", Path.Combine(ExamplesDir, "demo", "scenario.yaml"), "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        var placement = root.GetProperty("placement").EnumerateArray().ToDictionary(p => p.GetProperty("group").GetString()!, p => p.GetProperty("node").GetString());
        Assert.Equal("n1", placement["webgroup"]);
        Assert.Equal("n2", placement["dbgroup"]);
        Assert.NotEmpty(root.GetProperty("events").EnumerateArray());
        Assert.Empty(root.GetProperty("violations").EnumerateArray());
        Assert.All(root.GetProperty("expectations").EnumerateArray(), e => Assert.True(e.GetProperty("met").GetBoolean()));
    }

    [Fact]
    public void Another_seed_gives_the_same_story_shape()
    {
        var result = VigilProcess.Run("simulate", Path.Combine(ExamplesDir, "demo", "scenario.yaml"), "--seed", "42");
        Assert.Contains("seed 42", result.StdOut);
    }

    [Fact]
    public void A_bad_key_is_located_and_exits_1()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(ExamplesDir, "demo", "cluster.yaml"), dir.File("cluster.yaml"));
        File.WriteAllText(dir.File("scenario.yaml"), "config: cluster.yaml\nsead: 3\ntimeline:\n  - { at: 2x, kill: n9 }\n");
        var result = VigilProcess.Run(["simulate", "scenario.yaml"], dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("scenario.yaml:2:1: unknown key 'sead' at the top level; did you mean 'seed'?", result.StdErrLines);
        Assert.Contains(result.StdErrLines, l => l.StartsWith("scenario.yaml:4:11: invalid duration '2x'", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public void Unknown_names_and_config_problems_are_located()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("cluster.yaml"), File.ReadAllText(Path.Combine(ExamplesDir, "demo", "cluster.yaml")).Replace("dead_after: 5", "dead_after: five", StringComparison.Ordinal));
        File.WriteAllText(dir.File("scenario.yaml"), "config: cluster.yaml\ntimeline: [{ at: 1s, kill: n1 }]\n");
        var result = VigilProcess.Run(["simulate", "scenario.yaml"], dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.StdErrLines, l => Regex.IsMatch(l, @"^cluster\.yaml:\d+:\d+: expected a number for cluster\.timing\.dead_after"));

        File.Copy(Path.Combine(ExamplesDir, "demo", "cluster.yaml"), dir.File("cluster.yaml"), overwrite: true);
        File.WriteAllText(dir.File("scenario.yaml"), "config: cluster.yaml\ntimeline: [{ at: 1s, kill: n9 }]\nexpect: { placement: { webgrup: n1 } }\n");
        result = VigilProcess.Run(["simulate", "scenario.yaml"], dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("scenario.yaml:2:28: unknown node 'n9' in timeline[#1].kill", result.StdErrLines);
        Assert.Contains("scenario.yaml:3:24: unknown resource group 'webgrup' in expect.placement; did you mean 'webgroup'?", result.StdErrLines);
    }

    [Fact]
    public void A_missing_config_file_is_reported_at_the_config_key()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("scenario.yaml"), "seed: 2\nconfig: nowhere.yaml\n");
        var result = VigilProcess.Run(["simulate", "scenario.yaml"], dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("scenario.yaml:2:9: cannot read configuration nowhere.yaml: no such file", result.StdErrLines);
    }

    [Fact]
    public void Unmet_expectations_exit_1()
    {
        using var dir = new TempDir();
        File.Copy(Path.Combine(ExamplesDir, "demo", "cluster.yaml"), dir.File("cluster.yaml"));
        File.WriteAllText(dir.File("scenario.yaml"), "config: cluster.yaml\nduration: 5s\nexpect: { placement: { webgroup: n3 }, events: [\"no such event\"] }\n");
        var result = VigilProcess.Run(["simulate", "scenario.yaml"], dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  webgroup on n3 — observed: runs on n1", result.StdOut);
        Assert.Contains("Result: FAIL", result.StdOut);
    }

    [Fact]
    public void Random_runs_on_the_builtin_configs_pass()
    {
        var result = VigilProcess.Run(["simulate", "--random", "--seeds", "20"], null, timeoutMs: 300_000);
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        Assert.Contains("120 runs on 6 configurations: 120 passed, 0 with a violation", result.StdOut);
    }

    [Fact]
    public void Skipping_fencing_is_caught_with_a_replayable_seed()
    {
        var config = Path.Combine(ExamplesDir, "demo", "cluster.yaml");
        var result = VigilProcess.Run(["simulate", "--random", "--seeds", "200", "--unsafe-skip-fencing", "--config", config], null, timeoutMs: 300_000);
        Assert.Equal(1, result.ExitCode);
        var match = Regex.Match(result.StdOut, @"VIOLATION seed (\d+): DoubleOwner");
        Assert.True(match.Success, result.StdOut);
        var seed = match.Groups[1].Value;
        Assert.Contains($"replay: vigil simulate --random --seeds 1 --start-seed {seed} --config {config} --unsafe-skip-fencing --trace", result.StdOut);

        var replay = VigilProcess.Run(["simulate", "--random", "--seeds", "1", "--start-seed", seed, "--config", config, "--unsafe-skip-fencing", "--trace"]);
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains($"seed {seed}: event log", replay.StdOut);
        Assert.Contains("violation   DoubleOwner", replay.StdOut);
    }

    [Fact]
    public void Scenario_and_random_usage_errors_exit_2()
    {
        Assert.Equal(2, VigilProcess.Run("simulate").ExitCode);
        Assert.Equal(2, VigilProcess.Run("simulate", "--random", "--builtin", "nope").ExitCode);
    }

    private sealed class TempDir : IDisposable
    {
        public TempDir() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vigil-sim-" + Guid.NewGuid().ToString("N"));

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
