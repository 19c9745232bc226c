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
    /// TEST ONLY: treat a failed node as fenced without fencing it. Exists so the simulator's safety checker can
    /// prove it catches an unsafe policy; never set in production.
    /// </summary>
    public bool UnsafeSkipFencing { get; init; }

    public static readonly CoordinatorOptions Default = new();
}
