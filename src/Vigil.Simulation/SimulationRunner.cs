using Vigil.Core.Configuration;

namespace Vigil.Simulation;

/// <summary>The outcome of one run: its seed, the first violation if any, and how far it got.</summary>
public sealed record SimulationResult(int Seed, Violation? Violation, TimeSpan SimulatedTime, long Events)
{
    public bool Passed => Violation is null;
}

/// <summary>
/// Runs random timelines: faults, then the settle phase, then the liveness check — every group settled on one
/// node (and agreeing with the store) at two checks a second apart before the deadline. Runs are independent and
/// deterministic per seed, so running them in parallel changes nothing but the wall time.
/// </summary>
public static class SimulationRunner
{
    private static readonly TimeSpan LivenessCheckInterval = TimeSpan.FromSeconds(1);
    private const int StableChecksRequired = 2;

    public static SimulationResult Run(ClusterConfig config, RandomSchedule schedule, SimulationOptions options, IFailoverScriptRunner? scripts = null)
    {
        var simulation = Prepare(config, schedule, options, scripts);
        RunToVerdict(simulation, schedule);
        return new SimulationResult(schedule.Seed, simulation.Violations.FirstOrDefault(), simulation.Now, simulation.EventsProcessed);
    }

    /// <summary>A simulation loaded with the schedule (seeded with its seed), not yet run.</summary>
    public static Simulation Prepare(ClusterConfig config, RandomSchedule schedule, SimulationOptions options, IFailoverScriptRunner? scripts = null)
    {
        var simulation = new Simulation(config, options with { Seed = schedule.Seed }, scripts);
        foreach (var action in schedule.Actions) simulation.Schedule(action.At, action.Action);
        return simulation;
    }

    /// <summary>Runs through the faults and the settle phase, then checks liveness until it holds or the deadline.</summary>
    public static void RunToVerdict(Simulation simulation, RandomSchedule schedule)
    {
        simulation.RunUntil(schedule.LivenessFrom);
        var stableChecks = 0;
        while (!simulation.Stopped)
        {
            var problems = simulation.LivenessProblems();
            stableChecks = problems.Count == 0 ? stableChecks + 1 : 0;
            if (stableChecks >= StableChecksRequired) return;
            if (simulation.Now >= schedule.LivenessDeadline)
            {
                simulation.Fail(ViolationKind.Liveness,
                    $"faults stopped at {schedule.SettleFrom.TotalSeconds:F3}s but groups had not settled by {schedule.LivenessDeadline.TotalSeconds:F3}s: " +
                    string.Join("; ", problems));
                return;
            }
            simulation.RunUntil(simulation.Now + LivenessCheckInterval);
        }
    }

    /// <summary>One random run per seed; results in seed order whatever the parallelism.</summary>
    public static IReadOnlyList<SimulationResult> RunRandom(ClusterConfig config, IEnumerable<int> seeds, SimulationOptions options,
        RandomScheduleOptions? scheduleOptions = null, int parallelism = 1)
    {
        var seedList = seeds.ToList();
        var results = new SimulationResult[seedList.Count];
        Parallel.For(0, seedList.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, i =>
            results[i] = Run(config, RandomSchedule.Generate(config, seedList[i], scheduleOptions), options));
        return results;
    }
}
