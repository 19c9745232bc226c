using Vigil.Core.Configuration;

namespace Vigil.Simulation.Scenarios;

/// <summary>One checked expectation: what was expected, whether it holds, and what was seen.</summary>
public sealed record ExpectationResult(string Expected, bool Met, string Observed);

/// <summary>A finished scenario run: the simulation (event log, placement, violations) and the expectation results.</summary>
public sealed record ScenarioOutcome(Simulation Simulation, IReadOnlyList<ExpectationResult> Expectations)
{
    /// <summary>No invariant was violated and every expectation holds.</summary>
    public bool Passed => Simulation.Violations.Count == 0 && Expectations.All(e => e.Met);
}

/// <summary>Runs a scenario on the simulator and checks its expectations at the end.</summary>
public static class ScenarioRunner
{
    /// <summary>
    /// Schedules the timeline, runs until the scenario's duration (or the first violation) and checks the
    /// expectations. <paramref name="seed"/> overrides the scenario's seed. May throw
    /// <see cref="SimulationLimitException"/> when the run exceeds a limit.
    /// </summary>
    public static ScenarioOutcome Run(Scenario scenario, ClusterConfig config, IFailoverScriptRunner? scripts = null, int? seed = null)
    {
        var simulation = new Simulation(config, scenario.ToSimulationOptions(seed), scripts);
        foreach (var entry in scenario.Timeline) simulation.Schedule(entry.At, entry.Action);
        simulation.RunUntil(scenario.Duration);
        return new ScenarioOutcome(simulation, Check(scenario.Expectations, simulation));
    }

    /// <summary>Checks <paramref name="expectations"/> against the simulation as it is now.</summary>
    public static IReadOnlyList<ExpectationResult> Check(ScenarioExpectations expectations, Simulation simulation)
    {
        var results = new List<ExpectationResult>();
        var placement = simulation.Placement;
        foreach (var expected in expectations.Placement)
        {
            if (!placement.TryGetValue(expected.Group, out var actual))
            {
                results.Add(new ExpectationResult($"{expected.Group} on {expected.Node ?? ScenarioParser.Stopped}", false, "no such group"));
                continue;
            }

            var met = expected.Node is null ? actual.RunningOn.Count == 0 : actual.SettledOn == expected.Node;
            results.Add(new ExpectationResult(
                expected.Node is null ? $"{expected.Group} stopped" : $"{expected.Group} on {expected.Node}", met, Describe(actual)));
        }

        if (expectations.ActiveAttention is { } attention)
        {
            var actual = placement.Values.Where(p => p.ActiveAttention).Select(p => p.Group).Order(StringComparer.Ordinal).ToList();
            var wanted = attention.Order(StringComparer.Ordinal).ToList();
            results.Add(new ExpectationResult(
                $"active attention: {List(wanted)}", actual.SequenceEqual(wanted), $"active attention: {List(actual)}"));
        }

        var lines = simulation.EventLog.Entries.Select(e => e.ToText()).ToList();
        foreach (var text in expectations.Events)
        {
            var line = lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            results.Add(new ExpectationResult($"event log contains \"{text}\"", line is not null, line?.Trim() ?? "not in the event log"));
        }

        return results;
    }

    /// <summary>"runs on n2", "stopped", or "runs on n1,n2 (owner n1)" — how a group's end state reads.</summary>
    public static string Describe(GroupPlacement p)
    {
        var where = p.RunningOn.Count == 0 ? "stopped"
            : p.SettledOn is { } node ? $"runs on {node}"
            : $"partly running on {string.Join(",", p.RunningOn)}";
        var owner = p.Owner is null ? "" : p.Owner == p.SettledOn ? "" : $", owner {p.Owner}";
        return where + owner + (p.ActiveAttention ? ", active attention" : "");
    }

    private static string List(IReadOnlyList<string> groups) => groups.Count == 0 ? "none" : string.Join(", ", groups);
}
