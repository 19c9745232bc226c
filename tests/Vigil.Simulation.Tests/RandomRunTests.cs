using System.Diagnostics;
using Vigil.Core.Configuration;
using Vigil.Simulation.Testing;
using Xunit.Abstractions;

namespace Vigil.Simulation.Tests;

/// <summary>
/// The VOPR-style sweep of every CI run: 5,100 random fault timelines (850 seeds on each of the six built-in
/// configurations), each 20 s of faults — crashes and restarts, 50/50 and other partitions, one-way cuts, loss,
/// duplication, delay and reordering, resource, fence and critical device failures, operator commands — then the
/// settle phase, run by every node's real Raft, coordinator and controller; checked after every event for double
/// owners, quorum and lost committed entries, and for liveness once faults stopped (a run ends as soon as it
/// settled). Then the same harness with a deliberately broken Raft must be caught.
/// A failure prints configuration, seed and the end of the trace; replay it with the Trace tool (ExploreTests):
/// SIM_SCHEDULE=ci SIM_CONFIG=tb4 SIM_SEED=97 dotnet test tests/Vigil.Simulation.Tests -c Release --filter Trace.
/// </summary>
public sealed class RandomRunTests(ITestOutputHelper output)
{
    /// <summary>The CI schedules: 20 s of 4–10 fault episodes (the default is 30 s of 6–14), then the settle phase.</summary>
    public static readonly RandomScheduleOptions CiSchedule = new() { FaultPhase = TimeSpan.FromSeconds(20), EpisodesMin = 4, EpisodesMax = 10 };

    private const int SeedsPerConfig = 850;
    private const int BrokenSeedsPerConfig = 50;
    private const int TraceLinesShown = 60;

    [Fact]
    public void Five_thousand_random_timelines_break_no_invariant()
    {
        var clock = Stopwatch.StartNew();
        var configs = TestConfigs.All();
        var results = RunAll(configs, SeedsPerConfig, new SimulationOptions());
        foreach (var (name, _) in configs)
        {
            var mine = results.Where(r => r.Config == name).Select(r => r.Result).ToList();
            output.WriteLine($"{name}: seeds 1–{SeedsPerConfig}, {mine.Count(r => !r.Passed)} violations, " +
                             $"{mine.Average(r => r.Events):F0} events (max {mine.Max(r => r.Events)}) and " +
                             $"{mine.Average(r => r.SimulatedTime.TotalSeconds):F1} s simulated per run");
        }
        output.WriteLine($"{results.Count} runs, {results.Sum(r => r.Result.Events):N0} events, {clock.Elapsed.TotalSeconds:F1} s " +
                         $"on {Environment.ProcessorCount} cores");
        var failures = results.Where(r => !r.Result.Passed).ToList();
        foreach (var (config, result) in failures)
        {
            output.WriteLine($"--- {config} {result.Violation}");
            output.WriteLine($"    replay: SIM_SCHEDULE=ci SIM_CONFIG={config} SIM_SEED={result.Seed} dotnet test tests/Vigil.Simulation.Tests -c Release --filter Trace");
            foreach (var line in result.Violation!.Trace.TakeLast(TraceLinesShown)) output.WriteLine(line);
        }
        Assert.True(results.Count >= 5000, $"only {results.Count} runs");
        Assert.True(failures.Count == 0,
            $"{failures.Count} violations: " + string.Join("; ", failures.Select(f => $"{f.Config} seed {f.Result.Seed} {f.Result.Violation!.Kind}")));
    }

    [Fact]
    public void The_same_runs_catch_a_raft_that_grants_votes_without_the_log_check()
    {
        var clock = Stopwatch.StartNew();
        var results = RunAll(TestConfigs.All(), BrokenSeedsPerConfig, new SimulationOptions { UnsafeRaftVotesWithoutLogCheck = true });
        var caught = results.Where(r => r.Result.Violation?.Kind == ViolationKind.LostCommittedEntry).ToList();
        output.WriteLine($"broken Raft: {results.Count} runs (seeds 1–{BrokenSeedsPerConfig} per configuration) in {clock.Elapsed.TotalSeconds:F1} s; " +
                         $"{caught.Count} lost a committed entry");
        foreach (var (config, result) in results.Where(r => !r.Result.Passed))
            output.WriteLine($"  {config} seed {result.Seed}: {result.Violation!.Kind} at {result.Violation.At.TotalSeconds:F3}s: " +
                             result.Violation.Message.Split('\n')[0]);
        Assert.NotEmpty(caught);
    }

    /// <summary>
    /// One run per configuration and seed, on every core; each run is deterministic in its seed, so the results
    /// (in configuration then seed order) do not depend on the parallelism. Seeds and configurations are interleaved
    /// so that the cores stay busy to the end.
    /// </summary>
    private static List<(string Config, SimulationResult Result)> RunAll(IReadOnlyList<(string Name, ClusterConfig Config)> configs,
        int seedsPerConfig, SimulationOptions options)
    {
        var results = new SimulationResult[seedsPerConfig * configs.Count];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var (seed, config) = (i / configs.Count + 1, configs[i % configs.Count].Config);
            results[i] = SimulationRunner.Run(config, RandomSchedule.Generate(config, seed, CiSchedule), options);
        });
        return [.. configs.SelectMany((c, index) => Enumerable.Range(0, seedsPerConfig).Select(s => (c.Name, results[s * configs.Count + index])))];
    }
}
