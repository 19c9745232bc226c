using System.Diagnostics;
using Vigil.Core.Configuration;
using Vigil.Simulation;
using Vigil.Simulation.Testing;

namespace Vigil.Cli.Simulate;

/// <summary>
/// 'vigil simulate --random': random fault schedules (<see cref="RandomSchedule"/>) on one configuration or on
/// every built-in test configuration; prints a summary per configuration and each violation with its seed and
/// the command that replays it.
/// </summary>
internal static class RandomRuns
{
    public sealed record Request(int Seeds, int StartSeed, FileInfo? Config, string? Builtin, bool UnsafeSkipFencing, bool Trace);

    private sealed record Target(string Name, ClusterConfig Config, string ReplayArguments, IFailoverScriptRunner? Scripts);

    public static IReadOnlyList<string> BuiltinNames => TestConfigs.All().Select(c => c.Name).ToList();

    public static int Run(Request request, TextWriter stdout, TextWriter stderr)
    {
        if (request.Seeds < 1)
        {
            stderr.WriteLine("vigil simulate: --seeds must be 1 or more");
            return 2;
        }

        if ((long)request.StartSeed + request.Seeds - 1 > int.MaxValue || request.StartSeed < 0)
        {
            stderr.WriteLine("vigil simulate: seeds must lie between 0 and " + int.MaxValue);
            return 2;
        }

        if (Targets(request, stderr) is not { } targets) return request.Config is null ? 2 : 1;
        var options = new SimulationOptions { UnsafeSkipFencing = request.UnsafeSkipFencing };
        var seeds = Enumerable.Range(request.StartSeed, request.Seeds).ToList();
        var total = 0;
        var failed = 0;
        if (request.UnsafeSkipFencing)
            stdout.WriteLine("UNSAFE: fencing is skipped (--unsafe-skip-fencing); violations are expected.");
        foreach (var target in targets)
        {
            var watch = Stopwatch.StartNew();
            var results = RunAll(target, seeds, options, request.Trace);
            total += results.Count;
            var failures = results.Where(r => r.Violation is not null).ToList();
            failed += failures.Count;
            if (request.Trace)
                foreach (var r in results)
                {
                    stdout.WriteLine($"--- {target.Name}, seed {r.Seed}: event log ---");
                    foreach (var line in r.Trace) stdout.WriteLine(line);
                }

            stdout.WriteLine($"{target.Name}: {results.Count} seed{(results.Count == 1 ? "" : "s")} ({seeds[0]}..{seeds[^1]}): {results.Count - failures.Count} passed, " +
                             $"{failures.Count} failed ({watch.Elapsed.TotalSeconds:F1} s)");
            foreach (var r in failures)
            {
                stdout.WriteLine($"  VIOLATION {r.Violation}");
                stdout.WriteLine($"    replay: vigil simulate --random --seeds 1 --start-seed {r.Seed} {target.ReplayArguments}" +
                                 $"{(request.UnsafeSkipFencing ? " --unsafe-skip-fencing" : "")} --trace");
            }
        }

        stdout.WriteLine($"{total} run{(total == 1 ? "" : "s")} on {targets.Count} configuration{(targets.Count == 1 ? "" : "s")}: {total - failed} passed, {failed} with a violation");
        return failed == 0 ? 0 : 1;
    }

    private sealed record Outcome(int Seed, string? Violation, IReadOnlyList<string> Trace);

    private static List<Outcome> RunAll(Target target, List<int> seeds, SimulationOptions options, bool keepTrace)
    {
        var results = new Outcome[seeds.Count];
        // Runs are independent and deterministic per seed; a real failover script is a process, so run those one at a time.
        var parallelism = target.Scripts is null ? Math.Max(1, Environment.ProcessorCount) : 1;
        Parallel.For(0, seeds.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i =>
            results[i] = RunOne(target, seeds[i], options, keepTrace));
        return [.. results];
    }

    private static Outcome RunOne(Target target, int seed, SimulationOptions options, bool keepTrace)
    {
        var schedule = RandomSchedule.Generate(target.Config, seed);
        var simulation = SimulationRunner.Prepare(target.Config, schedule, options, target.Scripts);
        try
        {
            SimulationRunner.RunToVerdict(simulation, schedule);
        }
        catch (SimulationLimitException e)
        {
            return new Outcome(seed, $"seed {seed}: run stopped at {simulation.Now.TotalSeconds:F3}s: {e.Message}",
                keepTrace ? simulation.EventLog.Lines() : []);
        }

        var violation = simulation.Violations.FirstOrDefault();
        return new Outcome(seed, violation?.ToString(), keepTrace ? simulation.EventLog.Lines() : []);
    }

    private static List<Target>? Targets(Request request, TextWriter stderr)
    {
        if (request.Config is { } file)
        {
            if (request.Builtin is not null)
            {
                stderr.WriteLine("vigil simulate: give --config or --builtin, not both");
                return null;
            }

            var path = file.ToString();
            var loaded = InputFile.LoadConfig(path);
            if (loaded.Config is not { } config)
            {
                foreach (var p in loaded.Problems) stderr.WriteLine(InputFile.Format(p));
                return null;
            }

            return [new Target(path, config, "--config " + Quote(path), ProcessFailoverScriptRunner.For(config, path))];
        }

        var all = TestConfigs.All();
        if (request.Builtin is { } name)
        {
            var match = all.Where(c => c.Name == name).ToList();
            if (match.Count == 0)
            {
                stderr.WriteLine($"vigil simulate: no built-in configuration '{name}'; there are: {string.Join(", ", BuiltinNames)}");
                return null;
            }

            all = match;
        }

        return all.Select(c => new Target(c.Name, c.Config, "--builtin " + c.Name, null)).ToList();
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
