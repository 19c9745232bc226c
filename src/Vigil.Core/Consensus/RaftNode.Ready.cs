using System.Collections.Immutable;

namespace Vigil.Core.Consensus;

/// <summary>
/// The hand-over to the host: what changed since the last <see cref="TakeReady"/> — hard state, entries to
/// persist, an installed snapshot, messages to send, and entries newly committed.
/// </summary>
public sealed partial class RaftNode
{
    private readonly List<RaftMessage> outbox = [];

    /// <summary>The hard state the host was last given (or restored).</summary>
    private HardState persisted;

    /// <summary>The first log index not yet handed over for persisting (LastIndex + 1: none).</summary>
    private long unstableFrom;

    /// <summary>The last index handed over as committed (or covered by a snapshot).</summary>
    private long applied;

    /// <summary>A leader's snapshot installed since the last hand-over.</summary>
    private Snapshot? pendingSnapshot;

    private HardState CurrentHardState => new(Term, votedFor, CommitIndex);

    public bool HasReady =>
        CurrentHardState != persisted || unstableFrom <= log.LastIndex || pendingSnapshot is not null
        || outbox.Count > 0 || CommitIndex > applied;

    /// <summary>Hands over and clears the accumulated output (see <see cref="RaftReady"/> for the host's order).</summary>
    public RaftReady TakeReady()
    {
        var hardState = CurrentHardState;
        var ready = new RaftReady(
            hardState == persisted ? null : hardState,
            log.Slice(unstableFrom, log.LastIndex),
            pendingSnapshot,
            [.. outbox],
            log.Slice(applied + 1, CommitIndex));
        persisted = hardState;
        unstableFrom = log.LastIndex + 1;
        pendingSnapshot = null;
        outbox.Clear();
        applied = CommitIndex;
        return ready;
    }
}
