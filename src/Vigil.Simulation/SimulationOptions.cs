using Vigil.Core.Coordination;

namespace Vigil.Simulation;

/// <summary>What fencing does to the node it fences.</summary>
public enum FenceMode
{
    /// <summary>Power-cycle: the node boots again after <see cref="SimulationOptions.RebootDelay"/>.</summary>
    Reboot,
    /// <summary>Power off: the node stays down until a Restart action.</summary>
    Off,
}

/// <summary>Options of one simulation run. Every limit is a hard stop with a clear error.</summary>
public sealed record SimulationOptions
{
    /// <summary>Seeds the one random generator of the run (delays, drops, durations).</summary>
    public int Seed { get; init; }

    /// <summary>How long a fenced or self-fenced node stays down before it boots. Default 5 s.</summary>
    public TimeSpan RebootDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reboot (default) or power off a fenced node.</summary>
    public FenceMode FenceMode { get; init; } = FenceMode.Reboot;

    /// <summary>TEST ONLY: passed to <see cref="CoordinatorOptions.UnsafeSkipFencing"/> to prove the checker can fail.</summary>
    public bool UnsafeSkipFencing { get; init; }

    /// <summary>
    /// TEST ONLY: passed to <see cref="Core.Consensus.RaftOptions.UnsafeGrantVotesWithoutLogCheck"/> — a broken Raft
    /// whose voters skip the election restriction — to prove the checker catches lost committed entries.
    /// </summary>
    public bool UnsafeRaftVotesWithoutLogCheck { get; init; }

    /// <summary>Entries a node applies after its last snapshot before it takes the next one (compacting its log). Default 100.</summary>
    public int SnapshotEvery { get; init; } = 100;

    /// <summary>Coordinator tuning other than the unsafe switch. Default: production defaults.</summary>
    public CoordinatorOptions Coordinator { get; init; } = CoordinatorOptions.Default;

    /// <summary>Events one run may process before it fails with <see cref="SimulationLimitException"/>. Default 3,000,000.</summary>
    public long MaxEvents { get; init; } = 3_000_000;

    /// <summary>Events that may wait in the queue at once. Default 200,000.</summary>
    public int MaxQueuedEvents { get; init; } = 200_000;

    /// <summary>Event log entries one run may write. Default 1,000,000.</summary>
    public int MaxLogEntries { get; init; } = 1_000_000;

    /// <summary>
    /// Raft Ready rounds one node handles in a row (persist, send, apply — whose coordinator may propose again); the
    /// rest waits for the node's next event, as in the agent. Default 64.
    /// </summary>
    public int MaxReadyRounds { get; init; } = 64;

    /// <summary>Write debug entries (Raft roles and terms, skipped batches, refused leases) to the event log. Default false.</summary>
    public bool LogDebug { get; init; }

    /// <summary>The coordinator's options on a node booted at <paramref name="bootTime"/>: elected by Raft, its view forming since boot.</summary>
    internal CoordinatorOptions CoordinatorOptionsFor(TimeSpan bootTime) =>
        Coordinator with { UnsafeSkipFencing = UnsafeSkipFencing, ElectedByHost = true, ViewFormingSince = bootTime };
}

/// <summary>A run exceeded one of its limits: the model (or the code under test) is looping.</summary>
public sealed class SimulationLimitException(string message) : Exception(message);
