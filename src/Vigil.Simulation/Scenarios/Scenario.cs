namespace Vigil.Simulation.Scenarios;

/// <summary>
/// A scripted simulation run read from a scenario file (see docs/scenarios.md): which cluster configuration,
/// which seed and how long, the fault and operator timeline, and what must hold at the end.
/// </summary>
/// <param name="Description">A line saying what the scenario shows, if written.</param>
/// <param name="ConfigPath">The cluster configuration's path as written: relative to the scenario file's directory (or absolute).</param>
/// <param name="Seed">Seeds the simulation's random generator. Default 1.</param>
/// <param name="Duration">How long the run lasts. Default: the last timeline time plus 30 s.</param>
/// <param name="Options">Simulation options (fencing behaviour).</param>
/// <param name="Timeline">The actions, in time order (entries at the same time keep the file's order).</param>
/// <param name="Expectations">What is checked at the end of the run.</param>
public sealed record Scenario(
    string? Description,
    string ConfigPath,
    int Seed,
    TimeSpan Duration,
    ScenarioOptions Options,
    IReadOnlyList<ScheduledAction> Timeline,
    ScenarioExpectations Expectations)
{
    /// <summary>The default seed.</summary>
    public const int DefaultSeed = 1;

    /// <summary>How long a run goes on after the last timeline entry when no duration is written.</summary>
    public static readonly TimeSpan DefaultTail = TimeSpan.FromSeconds(30);

    /// <summary>The simulation options for this scenario (with another seed, if given).</summary>
    public SimulationOptions ToSimulationOptions(int? seed = null) => new()
    {
        Seed = seed ?? Seed,
        FenceMode = Options.FenceMode,
        RebootDelay = Options.RebootDelay,
    };
}

/// <summary>The <c>options</c> of a scenario.</summary>
/// <param name="FenceMode">What fencing does to a node: reboot it (default) or power it off.</param>
/// <param name="RebootDelay">How long a fenced node stays down before it boots (reboot mode). Default 5 s.</param>
public sealed record ScenarioOptions(FenceMode FenceMode, TimeSpan RebootDelay)
{
    public static readonly ScenarioOptions Default = new(FenceMode.Reboot, TimeSpan.FromSeconds(5));
}

/// <summary>The <c>expect</c> section; every part is optional.</summary>
/// <param name="Placement">Group → node it must run on at the end, or null for "stopped" (running nowhere).</param>
/// <param name="ActiveAttention">When set: exactly these groups are in active attention at the end.</param>
/// <param name="Events">Texts that must each appear in some event log line.</param>
public sealed record ScenarioExpectations(
    IReadOnlyList<PlacementExpectation> Placement,
    IReadOnlyList<string>? ActiveAttention,
    IReadOnlyList<string> Events)
{
    public static readonly ScenarioExpectations None = new([], null, []);

    public bool IsEmpty => Placement.Count == 0 && ActiveAttention is null && Events.Count == 0;
}

/// <summary>One entry of <c>expect.placement</c>: the group runs on <paramref name="Node"/>, or nowhere when null.</summary>
public sealed record PlacementExpectation(string Group, string? Node);
