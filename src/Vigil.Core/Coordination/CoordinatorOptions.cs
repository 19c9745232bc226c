namespace Vigil.Core.Coordination;

/// <summary>Coordinator tuning; defaults are what production uses.</summary>
public sealed record CoordinatorOptions
{
    /// <summary>First fence retry delay after a failure; doubles per attempt. Default 1 s.</summary>
    public TimeSpan FenceRetryBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest fence retry delay. Default 30 s.</summary>
    public TimeSpan FenceRetryMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A fence attempt with no answer after this long counts as failed and is retried. Default 90 s.</summary>
    public TimeSpan FenceTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// True when the host decides who coordinates (the agent runs a coordinator only on the Raft leader, and
    /// only while it leads). False (the simulator's stand-in): the first server of the node's own view.
    /// </summary>
    public bool ElectedByHost { get; init; }

    /// <summary>
    /// When the host's membership view started forming (the agent's start). The coordinator decides nothing
    /// until one dead time after it, so a leader elected long after start acts at once. Default: its first input.
    /// </summary>
    public TimeSpan? ViewFormingSince { get; init; }

    /// <summary>
    /// TEST ONLY: treat a failed node as fenced without fencing it. Exists so the simulator's safety checker can
    /// prove it catches an unsafe policy; never set in production.
    /// </summary>
    public bool UnsafeSkipFencing { get; init; }

    public static readonly CoordinatorOptions Default = new();
}
