using System.Diagnostics;
using Vigil.Simulation.Testing;
using Xunit.Abstractions;

namespace Vigil.Simulation.Tests;

/// <summary>Opt-in tools for exploring seeds (do nothing unless their environment variables are set).</summary>
public sealed class ExploreTests(ITestOutputHelper output)
{
    [Fact]
    public void Explore()
    {
        // Opt-in exploration tool: SIM_SEEDS=200 dotnet test --filter Explore (SIM_SCHEDULE=ci: the CI sweep's schedules).
        if (Environment.GetEnvironmentVariable("SIM_SEEDS") is not { } seeds) return;
        var count = int.Parse(seeds, System.Globalization.CultureInfo.InvariantCulture);
        var unsafeRaft = Environment.GetEnvironmentVariable("SIM_UNSAFE_RAFT") == "1";
        foreach (var (name, config) in TestConfigs.All())
        {
            var sw = Stopwatch.StartNew();
            var results = SimulationRunner.RunRandom(config, Enumerable.Range(1, count), new SimulationOptions { UnsafeRaftVotesWithoutLogCheck = unsafeRaft },
                TraceTests.ScheduleOptions(), parallelism: 2);
            var failed = results.Where(r => !r.Passed).ToList();
            output.WriteLine($"{name}: {count} seeds, {failed.Count} failed, {sw.ElapsedMilliseconds} ms, events avg {results.Average(r => r.Events):F0}, simtime avg {results.Average(r => r.SimulatedTime.TotalSeconds):F1}s");
            foreach (var f in failed)
                File.WriteAllLines($"/tmp/sim-fail-{name}-{f.Seed}.txt", f.Violation!.Trace);
            foreach (var g in failed.GroupBy(f => f.Violation!.Kind))
                output.WriteLine($"   {g.Key}: {g.Count()} e.g. {string.Join(" || ", g.Take(3).Select(f => f.Violation!.ToString().Split('\n')[0]))}");
        }
    }
}

public sealed class TraceTests(ITestOutputHelper output)
{
    [Fact]
    public void Trace()
    {
        // Opt-in replay tool: SIM_CONFIG=tb4 SIM_SEED=97 dotnet test --filter Trace  (writes /tmp/sim-trace.txt).
        // SIM_CONFIG may also be a cluster.yaml path; SIM_UNSAFE_RAFT=1 replays with the broken Raft; SIM_SCHEDULE=ci
        // replays a seed of the CI sweep (RandomRunTests), whose schedules are shorter than the default.
        if (Environment.GetEnvironmentVariable("SIM_CONFIG") is not { } configName) return;
        var seed = int.Parse(Environment.GetEnvironmentVariable("SIM_SEED") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        var config = ConfigNamed(configName);
        var schedule = RandomSchedule.Generate(config, seed, ScheduleOptions());
        var unsafeRaft = Environment.GetEnvironmentVariable("SIM_UNSAFE_RAFT") == "1";
        var sim = SimulationRunner.Prepare(config, schedule, new SimulationOptions { LogDebug = true, UnsafeRaftVotesWithoutLogCheck = unsafeRaft });
        SimulationRunner.RunToVerdict(sim, schedule);
        File.WriteAllText("/tmp/sim-trace.txt", sim.EventLog.ToText());
        output.WriteLine(sim.Violations.FirstOrDefault()?.ToString() ?? "no violation");
    }

    /// <summary>The CI sweep's schedules with SIM_SCHEDULE=ci, else the default.</summary>
    internal static RandomScheduleOptions ScheduleOptions() =>
        Environment.GetEnvironmentVariable("SIM_SCHEDULE") == "ci" ? RandomRunTests.CiSchedule : new RandomScheduleOptions();

    /// <summary>A configuration of the random runs by name, or a cluster.yaml file.</summary>
    internal static Core.Configuration.ClusterConfig ConfigNamed(string name) =>
        name.EndsWith(".yaml", StringComparison.Ordinal)
            ? Core.Configuration.ConfigLoader.Load(File.ReadAllText(name), name).Config ?? throw new ArgumentException($"{name} does not load")
            : TestConfigs.All().Single(c => c.Name == name).Config;
}
