using System.Diagnostics;
using Vigil.Simulation.Testing;
using Xunit.Abstractions;

namespace Vigil.Simulation.Tests;

/// <summary>
/// The VOPR-style sweep: 2,000 random fault timelines (400 per built-in config, seeds 1–400), each ~30 s of
/// faults then the settle phase, checked for safety after every event and for liveness at the end.
/// A failure prints config, seed and the end of the trace; replay it with <see cref="RandomSchedule.Generate"/>.
/// </summary>
public sealed class RandomRunTests(ITestOutputHelper output)
{
    private const int SeedsPerConfig = 400;
    private const int TraceLinesShown = 60;

    [Fact]
    public void Two_thousand_random_timelines_break_no_invariant()
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<(string Config, SimulationResult Result)>();
        var runs = 0;
        foreach (var (name, config) in TestConfigs.All())
        {
            var results = SimulationRunner.RunRandom(config, Enumerable.Range(1, SeedsPerConfig), new SimulationOptions(),
                parallelism: Environment.ProcessorCount);
            runs += results.Count;
            failures.AddRange(results.Where(r => !r.Passed).Select(r => (name, r)));
            output.WriteLine($"{name}: {results.Count} runs, {results.Count(r => !r.Passed)} violations, " +
                             $"{results.Average(r => r.Events):F0} events and {results.Average(r => r.SimulatedTime.TotalSeconds):F1} s simulated per run");
        }
        output.WriteLine($"{runs} runs in {clock.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores");
        foreach (var (config, result) in failures)
        {
            output.WriteLine($"--- {config} {result.Violation}");
            foreach (var line in result.Violation!.Trace.TakeLast(TraceLinesShown)) output.WriteLine(line);
        }
        Assert.Equal(2000, runs);
        Assert.True(failures.Count == 0,
            $"{failures.Count} violations: " + string.Join("; ", failures.Select(f => $"{f.Config} seed {f.Result.Seed} {f.Result.Violation!.Kind}")));
    }
}
