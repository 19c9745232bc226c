using Vigil.Core.Consensus;

namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// What the log file currently says, in memory: the hard state, the snapshot point (<see cref="BaseIndex"/>,
/// <see cref="BaseTerm"/>; 0/0 without a snapshot) and the entries after it. Both replaying the file and saving
/// change it through the same operations, so what is saved is what is reloaded. Also tracks how many bytes of the
/// file are still live, to decide when a rewrite is worth it.
/// </summary>
internal sealed class StoredLog
{
    private readonly List<LogEntry> entries = [];
    private readonly List<int> recordSizes = [];
    private long liveEntryBytes;
    private int hardStateRecordSize;

    public HardState HardState { get; private set; } = HardState.Empty;

    /// <summary>Index of the last entry the snapshot covers (0: no snapshot).</summary>
    public long BaseIndex { get; private set; }

    /// <summary>Term of the entry at <see cref="BaseIndex"/> (0: no snapshot).</summary>
    public long BaseTerm { get; private set; }

    /// <summary>Index of the first stored entry (<see cref="LastIndex"/> + 1 when there is none).</summary>
    public long FirstIndex => BaseIndex + 1;

    /// <summary>Index of the last stored entry, or <see cref="BaseIndex"/> when there is none.</summary>
    public long LastIndex => BaseIndex + entries.Count;

    /// <summary>The stored entries, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => entries;

    /// <summary>Bytes a rewritten file would have: the hard state, the snapshot mark and the entries' records.</summary>
    public long LiveBytes =>
        hardStateRecordSize + (BaseIndex > 0 ? SnapshotMarkRecord.FramedSize : 0) + liveEntryBytes;

    /// <summary>The term of the entry at <paramref name="index"/> (the snapshot's at <see cref="BaseIndex"/>), or null.</summary>
    public long? TermAt(long index)
    {
        if (index == BaseIndex) return BaseTerm;
        if (index < BaseIndex || index > LastIndex) return null;
        return entries[(int)(index - FirstIndex)].Term;
    }

    /// <summary>Why a snapshot at (<paramref name="index"/>, <paramref name="term"/>) cannot be applied, or null.</summary>
    public string? CheckSnapshot(long index, long term)
    {
        if (index < 0 || term < 0) return $"snapshot index {index} / term {term} is negative";
        if (index < BaseIndex) return $"snapshot at index {index} is older than the stored snapshot at index {BaseIndex}";
        if (index == BaseIndex && term != BaseTerm)
            return $"snapshot at index {index} has term {term} but the stored snapshot there has term {BaseTerm}";
        return null;
    }

    /// <summary>Voids the entries at or below <paramref name="index"/>, or all of them if the log does not hold <paramref name="index"/> with <paramref name="term"/>.</summary>
    public void ApplySnapshot(long index, long term)
    {
        Invariant(CheckSnapshot(index, term));
        var keep = TermAt(index) == term ? (int)(LastIndex - index) : 0;
        RemoveRange(0, entries.Count - keep);
        BaseIndex = index;
        BaseTerm = term;
    }

    /// <summary>Why entries cannot be truncated from <paramref name="fromIndex"/>, or null.</summary>
    public string? CheckTruncate(long fromIndex) =>
        fromIndex <= BaseIndex ? $"truncation from index {fromIndex} reaches into the snapshot (index {BaseIndex})" : null;

    /// <summary>Voids the entries at or after <paramref name="fromIndex"/>.</summary>
    public void TruncateFrom(long fromIndex)
    {
        Invariant(CheckTruncate(fromIndex));
        if (fromIndex > LastIndex) return;
        var at = (int)(fromIndex - FirstIndex);
        RemoveRange(at, entries.Count - at);
    }

    /// <summary>Why <paramref name="entry"/> cannot be appended (it must be the next index), or null.</summary>
    public string? CheckAppend(LogEntry entry) =>
        entry.Index != LastIndex + 1 ? $"entry {entry.Index} does not follow index {LastIndex}"
        : entry.Term < 0 ? $"entry {entry.Index} has negative term {entry.Term}"
        : null;

    /// <summary>Appends <paramref name="entry"/>, whose record takes <paramref name="recordSize"/> bytes in the file.</summary>
    public void Append(LogEntry entry, int recordSize)
    {
        Invariant(CheckAppend(entry));
        entries.Add(entry);
        recordSizes.Add(recordSize);
        liveEntryBytes += recordSize;
    }

    /// <summary>
    /// Replays one record read from the file (of <paramref name="recordSize"/> bytes); returns null, or why the
    /// record does not fit the log (then nothing changed).
    /// </summary>
    public string? Replay(LogRecord record, int recordSize)
    {
        switch (record)
        {
            case EntryRecord e:
                if (CheckAppend(e.Entry) is { } appendProblem) return appendProblem;
                Append(e.Entry, recordSize);
                return null;
            case HardStateRecord h:
                SetHardState(h.State, recordSize);
                return null;
            case TruncateRecord t:
                if (CheckTruncate(t.FromIndex) is { } truncateProblem) return truncateProblem;
                TruncateFrom(t.FromIndex);
                return null;
            case SnapshotMarkRecord m:
                if (CheckSnapshot(m.Index, m.Term) is { } snapshotProblem) return snapshotProblem;
                ApplySnapshot(m.Index, m.Term);
                return null;
            default:
                return $"unexpected record {record.Type}";
        }
    }

    /// <summary>Sets the hard state, whose record takes <paramref name="recordSize"/> bytes in the file.</summary>
    public void SetHardState(HardState state, int recordSize)
    {
        HardState = state;
        hardStateRecordSize = recordSize;
    }

    private void RemoveRange(int at, int count)
    {
        for (var i = at; i < at + count; i++) liveEntryBytes -= recordSizes[i];
        entries.RemoveRange(at, count);
        recordSizes.RemoveRange(at, count);
    }

    private static void Invariant(string? problem) => Vigil.Core.Invariant.Check(problem is null, problem ?? "");
}
