using System.Collections.Immutable;

namespace Vigil.Core.Consensus;

/// <summary>
/// The in-memory Raft log of one node: the entries after a snapshot point (<see cref="SnapshotIndex"/>,
/// <see cref="SnapshotTerm"/>; 0/0 without a snapshot). It only stores and slices entries; which entries may be
/// appended, truncated or compacted is decided by <see cref="RaftNode"/>. Entries are contiguous and their terms
/// never decrease.
/// </summary>
internal sealed class RaftLog
{
    private readonly List<LogEntry> entries = [];

    public RaftLog(long snapshotIndex, long snapshotTerm, IEnumerable<LogEntry> entriesAfterSnapshot)
    {
        Invariant.Check(snapshotIndex >= 0 && snapshotTerm >= 0, "the snapshot point is not negative");
        SnapshotIndex = snapshotIndex;
        SnapshotTerm = snapshotTerm;
        foreach (var entry in entriesAfterSnapshot) Append(entry);
    }

    /// <summary>Index of the last entry the snapshot covers (0: no snapshot).</summary>
    public long SnapshotIndex { get; private set; }

    /// <summary>Term of the entry at <see cref="SnapshotIndex"/> (0: no snapshot).</summary>
    public long SnapshotTerm { get; private set; }

    /// <summary>Index of the first entry held in memory (<see cref="LastIndex"/> + 1 when there is none).</summary>
    public long FirstIndex => SnapshotIndex + 1;

    /// <summary>Index of the last entry, or <see cref="SnapshotIndex"/> when there is none.</summary>
    public long LastIndex => SnapshotIndex + entries.Count;

    /// <summary>Term of the last entry, or <see cref="SnapshotTerm"/> when there is none.</summary>
    public long LastTerm => entries.Count == 0 ? SnapshotTerm : entries[^1].Term;

    /// <summary>The entries held in memory, in order (for tests and checkers).</summary>
    public IReadOnlyList<LogEntry> Entries => entries;

    /// <summary>The term at <paramref name="index"/> (the snapshot's at <see cref="SnapshotIndex"/>), or null when compacted away or beyond the end.</summary>
    public long? TermAt(long index)
    {
        if (index == SnapshotIndex) return SnapshotTerm;
        if (index < SnapshotIndex || index > LastIndex) return null;
        return entries[Offset(index)].Term;
    }

    /// <summary>The entry at <paramref name="index"/>, which must be held in memory.</summary>
    public LogEntry At(long index)
    {
        Invariant.Check(index >= FirstIndex && index <= LastIndex, $"log entry {index} is held in memory ({FirstIndex}–{LastIndex})");
        return entries[Offset(index)];
    }

    /// <summary>Raft's election restriction (§5.4.1): a log ending at (<paramref name="lastIndex"/>, <paramref name="lastTerm"/>) is at least as up to date as this one.</summary>
    public bool IsUpToDate(long lastIndex, long lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    public void Append(LogEntry entry)
    {
        Invariant.Check(entry.Index == LastIndex + 1, $"log entry {entry.Index} follows index {LastIndex}");
        Invariant.Check(entry.Term >= LastTerm, $"log entry {entry.Index} has term {entry.Term}, not below the previous term {LastTerm}");
        entries.Add(entry);
    }

    /// <summary>Drops the entries at or after <paramref name="index"/> (which must be after the snapshot).</summary>
    public void TruncateFrom(long index)
    {
        Invariant.Check(index > SnapshotIndex, $"truncation from {index} stays after the snapshot at {SnapshotIndex}");
        if (index > LastIndex) return;
        entries.RemoveRange(Offset(index), (int)(LastIndex - index + 1));
    }

    /// <summary>Drops the entries at or below <paramref name="index"/>, which the log holds; the entries after it stay.</summary>
    public void CompactThrough(long index)
    {
        var term = TermAt(index);
        Invariant.Check(term is not null && index >= SnapshotIndex, $"compaction point {index} is in the log ({SnapshotIndex}–{LastIndex})");
        entries.RemoveRange(0, (int)(index - SnapshotIndex));
        SnapshotTerm = term!.Value;
        SnapshotIndex = index;
    }

    /// <summary>Replaces the whole log by a snapshot point: every entry is dropped.</summary>
    public void Reset(long snapshotIndex, long snapshotTerm)
    {
        entries.Clear();
        SnapshotIndex = snapshotIndex;
        SnapshotTerm = snapshotTerm;
    }

    /// <summary>The entries from <paramref name="from"/> through <paramref name="to"/> (all held in memory).</summary>
    public ImmutableArray<LogEntry> Slice(long from, long to) => Slice(from, to, int.MaxValue, long.MaxValue);

    /// <summary>
    /// The entries from <paramref name="from"/> through at most <paramref name="to"/>, no more than
    /// <paramref name="maxCount"/> of them and no more than <paramref name="maxBytes"/> payload bytes — but at least
    /// one entry when the range is not empty.
    /// </summary>
    public ImmutableArray<LogEntry> Slice(long from, long to, int maxCount, long maxBytes)
    {
        if (from > to) return [];
        Invariant.Check(from >= FirstIndex && to <= LastIndex, $"log slice {from}–{to} is held in memory ({FirstIndex}–{LastIndex})");
        var builder = ImmutableArray.CreateBuilder<LogEntry>();
        long bytes = 0;
        for (var index = from; index <= to && builder.Count < maxCount; index++)
        {
            var entry = entries[Offset(index)];
            if (builder.Count > 0 && bytes + entry.Data.Length > maxBytes) break;
            bytes += entry.Data.Length;
            builder.Add(entry);
        }
        return builder.ToImmutable();
    }

    /// <summary>The latest entry at or below <paramref name="index"/> that carries a membership, or null when none is held in memory.</summary>
    public LogEntry? LatestMembershipEntry(long index)
    {
        for (var i = Math.Min(index, LastIndex); i >= FirstIndex; i--)
        {
            var entry = entries[Offset(i)];
            if (entry.Membership is not null) return entry;
        }
        return null;
    }

    private int Offset(long index) => (int)(index - FirstIndex);
}
