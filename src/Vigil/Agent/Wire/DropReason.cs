namespace Vigil.Cli.Agent.Wire;

/// <summary>Why a received datagram (or a partial message) was discarded.</summary>
public enum DropReason
{
    /// <summary>Not dropped.</summary>
    None = 0,

    /// <summary>Bad magic or version, too short, a length or value out of range, trailing bytes, unknown kind.</summary>
    Malformed,

    /// <summary>Another cluster's id (checked before the tag, so other clusters are identifiable in logs).</summary>
    ForeignCluster,

    /// <summary>The authentication tag does not match: wrong cluster key, or an altered/forged packet.</summary>
    BadTag,

    /// <summary>Correctly authenticated, but the sender is not a cluster node (or claims to be this node).</summary>
    UnknownSender,

    /// <summary>Sequence already seen, older than the replay window, or an epoch older than the newest seen.</summary>
    Replay,

    /// <summary>A datagram or a reassembled message larger than the limits.</summary>
    Oversize,

    /// <summary>A partial message discarded before completion (too old, or evicted by the buffering limits).</summary>
    FragmentExpired,
}
