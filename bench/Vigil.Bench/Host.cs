using Vigil.Core.Cluster;
using Vigil.Core.Coordination;

namespace Vigil.Bench;

/// <summary>
/// A minimal host following the coordinator's contract: commit a step's decisions on the state it was planned
/// against, feed the new state back as <see cref="StateCommitted"/> at once, then (here: nothing) run the effects.
/// </summary>
internal sealed class Host(Coordinator coordinator, ClusterState state)
{
    private long reportSequence;

    public Coordinator Coordinator { get; } = coordinator;

    public ClusterState State { get; private set; } = state;

    public long NextSequence() => ++reportSequence;

    /// <summary>Commits <paramref name="ready"/>'s decisions (checking the base version) and returns the new state.</summary>
    public ClusterState Commit(CoordinatorReady ready)
    {
        Check.That(ready.BaseVersion == State.Version, $"proposal on version {ready.BaseVersion}, committed state is {State.Version}");
        State = ClusterStateReducer.ApplyAll(State, ready.Decisions);
        return State;
    }

    /// <summary>Steps, and while a step yields decisions commits them and acknowledges them; returns how many decisions committed.</summary>
    public int Settle(TimeSpan now, CoordinatorInput input, int maxRounds = 20)
    {
        var committed = 0;
        var ready = Coordinator.Step(now, input);
        for (var round = 0; !ready.Decisions.IsEmpty; round++)
        {
            Check.That(round < maxRounds, $"no steady state after {maxRounds} commit rounds");
            committed += ready.Decisions.Length;
            Commit(ready);
            ready = Coordinator.Step(now, new StateCommitted(State));
        }
        return committed;
    }

    /// <summary>The report node <paramref name="node"/> sends: it runs every group it owns, at its generation.</summary>
    public NodeReport RunningReport(string node, long incarnation) =>
        new(node, incarnation, NextSequence(), State.Version,
            State.Groups.Values
                .Where(g => g.Owner == node)
                .OrderBy(g => g.Name, StringComparer.Ordinal)
                .Select(g => new GroupReport(g.Name, g.Generation, GroupPhase.Running, 0, null))
                .ToList(),
            []);
}

internal static class Check
{
    public static void That(bool condition, string what)
    {
        if (!condition)
            throw new BenchFailure(what);
    }
}

internal sealed class BenchFailure(string what) : Exception(what);
