using Vigil.Core.Consensus;

namespace Vigil.Simulation;

/// <summary>
/// One node's simulated disk for Raft: hard state, latest snapshot and the log entries after it. Written from each
/// Ready before its messages are sent (the order <see cref="RaftReady"/> requires) and kept across crashes, so a
/// restarted node recovers exactly what it promised. Writes are atomic (a crash never tears one).
/// </summary>
internal sealed class SimStorage
{
    private readonly List<LogEntry> entries = [];

    public HardState HardState { get; private set; } = HardState.Empty;

    public Snapshot? Snapshot { get; private set; }

    /// <summary>Index of the last entry the snapshot covers (0: none).</summary>
    public long SnapshotIndex => Snapshot?.Index ?? 0;

    /// <summary>Index of the last stored entry, or the snapshot's.</summary>
    public long LastIndex => SnapshotIndex + entries.Count;

    /// <summary>The stored entry at <paramref name="index"/>, or null when compacted into the snapshot or beyond the end.</summary>
    public LogEntry? EntryAt(long index) =>
        index > SnapshotIndex && index <= LastIndex ? entries[(int)(index - SnapshotIndex - 1)] : null;

    /// <summary>
    /// Persists one Ready: its snapshot (entries after it stay only if the log holds its index with its term, as
    /// Raft's install does), then its entries (truncating a conflicting stored suffix first), then its hard state.
    /// </summary>
    public void Save(HardState? hardState, IReadOnlyList<LogEntry> newEntries, Snapshot? snapshot)
    {
        if (snapshot is not null && snapshot.Index > SnapshotIndex)
        {
            var keep = EntryAt(snapshot.Index)?.Term == snapshot.Term;
            if (keep) entries.RemoveRange(0, (int)(snapshot.Index - SnapshotIndex));
            else entries.Clear();
            Snapshot = snapshot;
        }
        if (newEntries.Count > 0)
        {
            var first = newEntries[0].Index;
            if (first <= SnapshotIndex)
                throw new InvalidOperationException($"Ready entry {first} lies within the stored snapshot (index {SnapshotIndex})");
            if (first > LastIndex + 1)
                throw new InvalidOperationException($"Ready entry {first} leaves a gap after the stored log (last index {LastIndex})");
            if (first <= LastIndex) entries.RemoveRange((int)(first - SnapshotIndex - 1), (int)(LastIndex - first + 1));
            entries.AddRange(newEntries);
        }
        if (hardState is not null) HardState = hardState;
    }

    /// <summary>The host's own snapshot (after <see cref="RaftNode.Compact"/>): replaces the stored one and drops the entries it covers.</summary>
    public void SaveSnapshot(Snapshot snapshot)
    {
        if (snapshot.Index <= SnapshotIndex) return;
        if (EntryAt(snapshot.Index)?.Term != snapshot.Term)
            throw new InvalidOperationException($"compacted snapshot at {snapshot.Index} (term {snapshot.Term}) does not match the stored log");
        entries.RemoveRange(0, (int)(snapshot.Index - SnapshotIndex));
        Snapshot = snapshot;
    }

    /// <summary>What a booting node recovers.</summary>
    public RaftRestore Restore() => new(HardState, Snapshot, entries.ToList());
}
