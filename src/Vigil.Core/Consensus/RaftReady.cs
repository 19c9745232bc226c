using System.Collections.Immutable;

namespace Vigil.Core.Consensus;

/// <summary>
/// What the host must do after feeding a <see cref="RaftNode"/>, in this order (etcd-io/raft's Ready):
/// 1. persist <see cref="Snapshot"/> (if any), then <see cref="Entries"/> (if the first entry's index is at or below
///    the stored last index, truncate the stored log from that index first), then <see cref="HardState"/> — and fsync;
/// 2. send <see cref="Messages"/>;
/// 3. apply <see cref="Snapshot"/> (if any) then <see cref="Committed"/> to the state machine, in order.
/// </summary>
public sealed record RaftReady(
    HardState? HardState,
    ImmutableArray<LogEntry> Entries,
    Snapshot? Snapshot,
    ImmutableArray<RaftMessage> Messages,
    ImmutableArray<LogEntry> Committed)
{
    public static readonly RaftReady Empty = new(null, [], null, [], []);

    public bool IsEmpty => HardState is null && Entries.IsEmpty && Snapshot is null && Messages.IsEmpty && Committed.IsEmpty;
}
