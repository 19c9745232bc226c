using Vigil.Core.Configuration;
using Vigil.Simulation;
using Vigil.Simulation.Scenarios;

namespace Vigil.Cli.Simulate;

/// <summary>
/// Writes a scenario run for a reader, like Pacemaker's crm_simulate: a header, the time-stamped event log
/// (decisions with their reasons), "Final placement:", the expectation results and a one-line verdict.
/// </summary>
internal sealed class ScenarioReport(TextWriter output, bool verbose)
{
    private const int TraceLinesShown = 25;

    public void Write(string name, string configPath, Scenario scenario, ClusterConfig config, ScenarioOutcome outcome)
    {
        var simulation = outcome.Simulation;
        output.WriteLine($"Scenario {name}{(scenario.Description is { } d ? ": " + d : "")}");
        output.WriteLine($"Cluster {config.Cluster.Name} ({configPath}): {Count(config.Nodes.Count, "node")}, " +
                         $"{Count(config.ResourceGroups.Count, "group")}; seed {simulation.Seed}; {ScenarioRun.Seconds(scenario.Duration)} simulated; " +
                         (scenario.Options.FenceMode == FenceMode.Reboot
                             ? $"fenced nodes reboot after {ScenarioRun.Seconds(scenario.Options.RebootDelay)}"
                             : "fenced nodes stay off"));
        output.WriteLine();
        output.WriteLine(verbose ? "Event log (every event):" : "Event log (add --verbose for membership views and monitors):");
        foreach (var entry in simulation.EventLog.Entries)
            if (verbose || Shown(entry))
                output.WriteLine(entry.ToText());
        output.WriteLine();
        WritePlacement(config, simulation);
        WriteViolations(name, simulation);
        WriteExpectations(outcome.Expectations);
        output.WriteLine();
        var met = outcome.Expectations.Count(e => e.Met);
        var violations = simulation.Violations.Count;
        output.WriteLine(
            $"Result: {(outcome.Passed ? "PASS" : "FAIL")} — {(violations == 0 ? "no invariant violated" : Count(violations, "violation"))}, " +
            $"{met} of {Count(outcome.Expectations.Count, "expectation")} met");
    }

    /// <summary>The default log leaves out membership views, debug lines and routine monitor results.</summary>
    private static bool Shown(SimLogEntry entry) => entry.Kind switch
    {
        SimLogKind.Membership or SimLogKind.Debug => false,
        SimLogKind.Action => IsInteresting(entry.Message),
        _ => true,
    };

    /// <summary>Action lines: completions only ("start web #3: success"), and no healthy monitor.</summary>
    private static bool IsInteresting(string message)
    {
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0) return false; // the action began; its completion line says how it went
        var result = message[(colon + 2)..];
        return !(message.StartsWith("monitor ", StringComparison.Ordinal) && result.StartsWith("running", StringComparison.Ordinal));
    }

    private void WritePlacement(ClusterConfig config, Simulation.Simulation simulation)
    {
        output.WriteLine("Final placement:");
        var placement = simulation.Placement;
        var width = config.ResourceGroups.Select(g => g.Name.Length).DefaultIfEmpty(0).Max();
        foreach (var group in config.ResourceGroups)
            output.WriteLine($"  {group.Name.PadRight(width)}  {ScenarioRunner.Describe(placement[group.Name])}");
        var attention = config.ResourceGroups.Where(g => placement[g.Name].ActiveAttention).Select(g => g.Name).ToList();
        output.WriteLine($"  active attention: {(attention.Count == 0 ? "none" : string.Join(", ", attention))}");
    }

    private void WriteViolations(string name, Simulation.Simulation simulation)
    {
        foreach (var v in simulation.Violations)
        {
            output.WriteLine();
            output.WriteLine($"VIOLATION (seed {v.Seed}): {v.Kind} at {v.At.TotalSeconds:F3}s: {v.Message}");
            output.WriteLine($"  replay: vigil simulate {name} --seed {v.Seed} --verbose");
            output.WriteLine($"  trace (last {Math.Min(TraceLinesShown, v.Trace.Count)} of {v.Trace.Count} lines):");
            foreach (var line in v.Trace.Skip(Math.Max(0, v.Trace.Count - TraceLinesShown)))
                output.WriteLine("  " + line);
        }
    }

    private void WriteExpectations(IReadOnlyList<ExpectationResult> expectations)
    {
        output.WriteLine();
        if (expectations.Count == 0)
        {
            output.WriteLine("Expectations: none");
            return;
        }

        output.WriteLine("Expectations:");
        foreach (var e in expectations)
            output.WriteLine(e.Met ? $"  ok    {e.Expected}" : $"  FAIL  {e.Expected} — observed: {e.Observed}");
    }

    private static string Count(int n, string one) => $"{n} {(n == 1 ? one : one + "s")}";
}
