using Vigil.Core.Configuration;
using Xunit.Abstractions;

namespace Vigil.Simulation.Tests;

/// <summary>The example clusters, loaded through ConfigLoader, run in the simulator: quiet runs settle, random runs stay safe.</summary>
public sealed class YamlConfigTests(ITestOutputHelper output)
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(RepoRoot(), "examples")).Order(StringComparer.Ordinal))
            if (File.Exists(Path.Combine(dir, "cluster.yaml"))) data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_cluster_settles_when_nothing_fails_and_stays_safe_under_random_faults(string example)
    {
        var path = Path.Combine(RepoRoot(), "examples", example, "cluster.yaml");
        var loaded = ConfigLoader.Load(File.ReadAllText(path), path);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));
        var config = loaded.Config!;

        var quiet = new Simulation(config, new SimulationOptions { Seed = 1 });
        quiet.RunUntil(TimeSpan.FromSeconds(10));
        SimulationAssert.NoViolation(quiet, output);
        Assert.Empty(quiet.LivenessProblems());

        var results = SimulationRunner.RunRandom(config, Enumerable.Range(1, 20), new SimulationOptions(), parallelism: Environment.ProcessorCount);
        var safetyBreaks = results.Where(r => r.Violation?.Kind == ViolationKind.DoubleOwner).ToList();
        foreach (var r in results.Where(r => !r.Passed)) output.WriteLine(r.Violation!.ToString());
        Assert.Empty(safetyBreaks);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Vigil.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Vigil.slnx) not found");
    }
}
