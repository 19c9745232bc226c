using System.CommandLine;
using Vigil.Cli.Simulate;

namespace Vigil.Cli.Commands;

/// <summary>
/// 'vigil simulate SCENARIO.yaml [--json] [--seed N] [--verbose]': runs a scenario on the deterministic simulator
/// and prints the event log, the final placement and the expectation results (exit 0 when no invariant was
/// violated and every expectation holds, else 1).
/// 'vigil simulate --random --seeds N [--config FILE | --builtin NAME] [--start-seed S] [--unsafe-skip-fencing] [--trace]':
/// runs random fault schedules and prints every violation with the command that replays it (exit 1 if any).
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var scenario = new Argument<FileInfo?>("scenario")
        {
            Description = "The scenario file (YAML); see docs/scenarios.md.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (events, placement, violations, expectations)." };
        var seed = new Option<int?>("--seed") { Description = "Run the scenario with this seed instead of its own." };
        var verbose = new Option<bool>("--verbose") { Description = "Print every event (membership views, every monitor) too." };
        var random = new Option<bool>("--random") { Description = "Run random fault schedules instead of a scenario." };
        var seeds = new Option<int>("--seeds") { Description = "With --random: how many seeds to run.", DefaultValueFactory = _ => 20 };
        var startSeed = new Option<int>("--start-seed") { Description = "With --random: the first seed.", DefaultValueFactory = _ => 1 };
        var config = new Option<FileInfo?>("--config") { Description = "With --random: the cluster configuration (default: every built-in test configuration)." };
        var builtin = new Option<string?>("--builtin") { Description = "With --random: one built-in test configuration by name (" + string.Join(", ", RandomRuns.BuiltinNames) + ")." };
        var unsafeSkip = new Option<bool>("--unsafe-skip-fencing") { Description = "With --random, TEST ONLY: start groups elsewhere without fencing, to show the checker catches it." };
        var trace = new Option<bool>("--trace") { Description = "With --random: print each run's whole event log." };
        var command = new Command("simulate", "Run a scenario, or random fault schedules, on the deterministic cluster simulator.");
        command.Arguments.Add(scenario);
        foreach (var option in new Option[] { json, seed, verbose, random, seeds, startSeed, config, builtin, unsafeSkip, trace })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            if (parse.GetValue(random))
            {
                if (parse.GetValue(scenario) is { } file)
                {
                    Console.Error.WriteLine($"vigil simulate: --random runs random schedules; leave out the scenario file ({file})");
                    return 2;
                }

                return RandomRuns.Run(new RandomRuns.Request(parse.GetValue(seeds), parse.GetValue(startSeed), parse.GetValue(config),
                    parse.GetValue(builtin), parse.GetValue(unsafeSkip), parse.GetValue(trace)), Console.Out, Console.Error);
            }

            if (parse.GetValue(scenario) is not { } scenarioFile)
            {
                Console.Error.WriteLine("vigil simulate: name a scenario file, or use --random --seeds N");
                return 2;
            }

            return ScenarioRun.Run(scenarioFile, parse.GetValue(json), parse.GetValue(seed), parse.GetValue(verbose), Console.Out, Console.Error);
        });
        return command;
    }
}
