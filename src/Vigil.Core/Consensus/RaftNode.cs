namespace Vigil.Core.Consensus;

/// <summary>
/// Raft (Ongaro &amp; Ousterhout; the etcd-io/raft shape) as a pure state machine: <see cref="Tick"/>,
/// <see cref="Step"/> and <see cref="Propose"/> change it; <see cref="TakeReady"/> hands the host what to persist,
/// send and apply. With pre-vote and check-quorum, snapshots, and single-server membership changes.
/// No I/O, no clock: time is ticks; randomness comes from the seed.
/// </summary>
public sealed partial class RaftNode
{
}
