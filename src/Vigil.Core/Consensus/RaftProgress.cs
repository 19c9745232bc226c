namespace Vigil.Core.Consensus;

/// <summary>
/// What a leader knows about one follower: how far its log is known to match (<see cref="Match"/>), where the
/// next append starts (<see cref="Next"/>, advanced optimistically as appends are sent), a snapshot in flight, and
/// when it was last heard from (for check-quorum).
/// </summary>
internal sealed class RaftProgress(long next, long now)
{
    /// <summary>The highest index known to be replicated on the follower.</summary>
    public long Match { get; set; }

    /// <summary>The index of the next entry to send.</summary>
    public long Next { get; set; } = next;

    /// <summary>The index of the snapshot sent and not yet acknowledged (0: none).</summary>
    public long PendingSnapshot { get; set; }

    /// <summary>The tick at which <see cref="PendingSnapshot"/> was sent (it is resent after ElectionTicks).</summary>
    public long SnapshotSentAt { get; set; }

    /// <summary>The tick at which the follower last answered in the leader's term.</summary>
    public long LastContact { get; set; } = now;
}
