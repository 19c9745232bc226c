namespace Vigil.Simulation;

public enum ViolationKind
{
    /// <summary>Two nodes ran resources of the same group at the same time.</summary>
    DoubleOwner,
    /// <summary>A node without quorum started something, or kept running a group too long (no_quorum: stop).</summary>
    Quorum,
    /// <summary>After faults stopped, a group did not settle on exactly one node in time.</summary>
    Liveness,
    /// <summary>
    /// Consensus lost a committed entry: a node applied a different entry at an index already applied elsewhere,
    /// or a node became leader without an entry committed before its election.
    /// </summary>
    LostCommittedEntry,
    /// <summary>The code under test threw (an invariant check, or a bug).</summary>
    CoreException,
}

/// <summary>A broken invariant: enough to replay it (seed; the timeline is the caller's) and read what happened.</summary>
public sealed record Violation(int Seed, ViolationKind Kind, TimeSpan At, string Message, IReadOnlyList<string> Trace)
{
    public override string ToString() =>
        $"seed {Seed}: {Kind} at {At.TotalSeconds:F3}s: {Message}";
}
