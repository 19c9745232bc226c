using Xunit.Abstractions;

namespace Vigil.Simulation.Tests;

/// <summary>Assertions that print the story (event log) when they fail.</summary>
internal static class SimulationAssert
{
    public static void NoViolation(Simulation simulation, ITestOutputHelper output)
    {
        if (simulation.Violations.Count == 0) return;
        output.WriteLine(simulation.EventLog.ToText());
        Assert.Fail(simulation.Violations[0].ToString());
    }

    public static void SettledOn(Simulation simulation, string group, string node, ITestOutputHelper output)
    {
        var placement = simulation.Placement[group];
        if (placement.SettledOn == node && placement.Owner == node) return;
        output.WriteLine(simulation.EventLog.ToText());
        Assert.Fail($"expected {group} on {node} alone; {placement}");
    }

    public static void Logged(Simulation simulation, SimLogKind kind, string text, ITestOutputHelper output)
    {
        if (simulation.EventLog.Entries.Any(e => e.Kind == kind && e.Message.Contains(text, StringComparison.Ordinal))) return;
        output.WriteLine(simulation.EventLog.ToText());
        Assert.Fail($"expected a {kind} entry containing '{text}'");
    }

    public static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);
}
