namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// What a cluster message carries; the body is opaque to the wire layer. An authenticated datagram
/// with a kind not listed here is dropped as <see cref="DropReason.Malformed"/>.
/// </summary>
public enum MessageKind : byte
{
    /// <summary>Liveness beacon.</summary>
    Heartbeat = 1,

    /// <summary>A Raft message (encoded by RaftCodec).</summary>
    Raft = 2,

    /// <summary>Leader lease traffic.</summary>
    Lease = 3,

    /// <summary>A node's status report.</summary>
    Report = 4,

    /// <summary>A request from a client relayed to the cluster.</summary>
    ClientRequest = 5,

    /// <summary>The answer to a <see cref="ClientRequest"/>.</summary>
    ClientResponse = 6,

    /// <summary>
    /// Several routine messages in one datagram: a heartbeat and what else the sender had without news for this
    /// peer on this network (Raft keep-alives, an unchanged report). Format in <see cref="Agent.MessageBundle"/>.
    /// </summary>
    Bundle = 7,
}
