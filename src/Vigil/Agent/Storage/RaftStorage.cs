using System.Buffers;
using Vigil.Core.Consensus;

namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// The node's Raft state on disk, under <c>&lt;dataDir&gt;/raft/</c> (mode 0700): the log file <c>log</c>
/// (records with CRC-32C, see <see cref="LogFraming"/>) and the latest snapshot <c>snapshot</c> (see
/// <see cref="SnapshotFile"/>). <see cref="Open"/> recovers after any crash (kill -9, power loss): a torn or corrupt
/// log tail is logged and cut. <see cref="Save"/> persists a <see cref="RaftReady"/>'s state in its order and
/// fsyncs before returning (a new commit index alone is not fsynced), so the host may then send the Ready's messages.
/// <para>
/// Not thread-safe: one caller (the host's Raft loop). After a failed write or fsync the state on disk is unknown,
/// so every later call throws <see cref="StorageException"/>: the node must stop (retrying an fsync is not safe).
/// The host should hold <see cref="NodeIdentity"/> (the data dir lock) while the storage is open.
/// </para>
/// </summary>
public sealed class RaftStorage : IDisposable
{
    /// <summary>A rewrite is always worth it when this many bytes of the log file are dead.</summary>
    public const long RewriteDeadBytes = 4 * 1024 * 1024;

    /// <summary>Below this size the log file is not rewritten for being half dead.</summary>
    public const long RewriteMinFileBytes = 4 * 1024;

    private readonly StoredLog stored;
    private readonly LogFile file;
    private readonly string snapshotPath;
    private bool failed;
    private bool disposed;

    private RaftStorage(string directory, StoredLog stored, LogFile file, string snapshotPath, RaftRestore restored, StorageCounters counters)
    {
        Directory = directory;
        this.stored = stored;
        this.file = file;
        this.snapshotPath = snapshotPath;
        Restored = restored;
        Counters = counters;
    }

    /// <summary>The raft directory, <c>&lt;dataDir&gt;/raft</c>.</summary>
    public string Directory { get; }

    /// <summary>What was on disk at <see cref="Open"/>: hard state, snapshot (if any), the entries after it in order.</summary>
    public RaftRestore Restored { get; }

    /// <summary>Index of the first stored entry (<see cref="LastIndex"/> + 1 when the log holds none).</summary>
    public long FirstIndex => stored.FirstIndex;

    /// <summary>Index of the last stored entry, or the snapshot's index when the log holds none (0 when empty).</summary>
    public long LastIndex => stored.LastIndex;

    /// <summary>The current size of the log file.</summary>
    public long LogFileBytes => file.Length;

    /// <summary>Bytes written and fsyncs issued since <see cref="Open"/> (including recovery).</summary>
    public StorageCounters Counters { get; }

    /// <summary>Bytes written to files since <see cref="Open"/>.</summary>
    public long BytesWritten => Counters.BytesWritten;

    /// <summary>fsyncs (of files and directories) since <see cref="Open"/>.</summary>
    public long Fsyncs => Counters.Fsyncs;

    /// <summary>
    /// Opens (creating, mode 0700) <c>&lt;dataDir&gt;/raft/</c> and recovers its state; <paramref name="log"/>
    /// receives one line per problem found and repaired (a cut log tail, a leftover temporary file). Throws
    /// <see cref="StorageException"/> when it must not start: a corrupt snapshot, a log that does not match it,
    /// a permission or I/O error.
    /// </summary>
    public static RaftStorage Open(string dataDir, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var directory = Path.Combine(Path.GetFullPath(dataDir), "raft");
        return StorageErrors.Wrap($"raft storage {directory}", () =>
        {
            var counters = new StorageCounters();
            DataDirectory.EnsurePrivate(dataDir, counters);
            DataDirectory.EnsurePrivate(directory, counters);
            var logPath = Path.Combine(directory, "log");
            var snapshotPath = Path.Combine(directory, "snapshot");
            foreach (var path in new[] { logPath, snapshotPath })
            {
                if (AtomicFile.RemoveStaleTemp(path))
                    log($"raft storage {directory}: removed {AtomicFile.TempPath(path)} left by an interrupted write ({path} is intact)");
            }
            var snapshot = SnapshotFile.Read(snapshotPath);
            var (stored, file) = RaftLogLoader.Load(logPath, snapshotPath, snapshot, log, counters);
            var restored = new RaftRestore(stored.HardState, snapshot, [.. stored.Entries]);
            var storage = new RaftStorage(directory, stored, file, snapshotPath, restored, counters);
            try
            {
                storage.RewriteIfWorthIt();
            }
            catch
            {
                storage.Dispose();
                throw;
            }
            return storage;
        });
    }

    /// <summary>
    /// Persists one Ready, in its order: <paramref name="snapshot"/> (if any: the snapshot file is replaced, and
    /// the stored entries at or below its index are dropped — all of them if the log does not hold its index with
    /// its term), then <paramref name="entries"/> (contiguous; if the first one's index is at or below
    /// <see cref="LastIndex"/>, the stored entries from there on are dropped first), then
    /// <paramref name="hardState"/> (if any). The log records are written at once and the log file is fsynced
    /// once before returning (replacing the snapshot file takes its own fsyncs first) — except when the save is only a
    /// hard state whose term and vote are unchanged (a new commit index): that record is written without an fsync, and
    /// becomes durable with the next one (the commit index need not survive a crash). Nothing to save: no I/O.
    /// </summary>
    /// <exception cref="ArgumentException">The entries are not contiguous or do not attach to the log, or the snapshot is older than the stored one.</exception>
    /// <exception cref="StorageException">A write or fsync failed; the storage is now unusable.</exception>
    public void Save(HardState? hardState, IReadOnlyList<LogEntry> entries, Snapshot? snapshot)
    {
        ArgumentNullException.ThrowIfNull(entries);
        EnsureUsable();
        Validate(entries, snapshot);
        // Encode everything first: a record that cannot be framed throws before anything changed.
        var records = new ArrayBufferWriter<byte>();
        var truncateFrom = entries.Count > 0 && entries[0].Index <= LastIndexAfter(snapshot) ? entries[0].Index : (long?)null;
        if (snapshot is not null) LogFraming.Write(records, new SnapshotMarkRecord(snapshot.Index, snapshot.Term));
        if (truncateFrom is { } from) LogFraming.Write(records, new TruncateRecord(from));
        var entrySizes = new int[entries.Count];
        for (var i = 0; i < entries.Count; i++) entrySizes[i] = LogFraming.Write(records, new EntryRecord(entries[i]));
        var hardStateSize = hardState is null ? 0 : LogFraming.Write(records, new HardStateRecord(hardState));
        if (records.WrittenCount == 0) return;

        // Raft's persistent state is the term, the vote and the log (Figure 2; etcd-io/raft's MustSync): a hard state
        // that only moves the commit index is written but not fsynced — the next fsync of the file carries it, and
        // losing it in a crash only makes the node learn its commit index again from the leader. Its entries are
        // durable already (saved, with an fsync, by an earlier Save), so the record never points past the durable log.
        var mustSync = snapshot is not null || entries.Count > 0
            || hardState is null || hardState.Term != stored.HardState.Term || hardState.VotedFor != stored.HardState.VotedFor;
        Write("save", () =>
        {
            if (snapshot is not null) SnapshotFile.Write(snapshotPath, snapshot, Counters);
            file.Append(records.WrittenSpan);
            if (mustSync) file.Sync();
        });
        if (snapshot is not null) stored.ApplySnapshot(snapshot.Index, snapshot.Term);
        if (truncateFrom is { } index) stored.TruncateFrom(index);
        for (var i = 0; i < entries.Count; i++) stored.Append(entries[i], entrySizes[i]);
        if (hardState is not null) stored.SetHardState(hardState, hardStateSize);
    }

    /// <summary>
    /// Stores the host's own snapshot (log compaction): <paramref name="snapshot"/> must be at an index the log
    /// holds, with that entry's term. The snapshot file is replaced atomically and the entries at or below its
    /// index are dropped; the log file is rewritten when enough of it is dead (more than half, at least
    /// <see cref="RewriteMinFileBytes"/>, or more than <see cref="RewriteDeadBytes"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The log does not hold the snapshot's index with its term, or the snapshot is older than the stored one.</exception>
    /// <exception cref="StorageException">A write or fsync failed; the storage is now unusable.</exception>
    public void SaveSnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        EnsureUsable();
        if (stored.CheckSnapshot(snapshot.Index, snapshot.Term) is { } problem) throw new ArgumentException(problem, nameof(snapshot));
        if (stored.TermAt(snapshot.Index) != snapshot.Term)
            throw new ArgumentException(
                $"the snapshot at index {snapshot.Index} (term {snapshot.Term}) is not of an entry in the log (entries {FirstIndex}–{LastIndex})", nameof(snapshot));
        Write("snapshot", () =>
        {
            SnapshotFile.Write(snapshotPath, snapshot, Counters);
            var records = new ArrayBufferWriter<byte>();
            LogFraming.Write(records, new SnapshotMarkRecord(snapshot.Index, snapshot.Term));
            stored.ApplySnapshot(snapshot.Index, snapshot.Term);
            file.Append(records.WrittenSpan);
            if (!RewriteIfWorthIt()) file.Sync();
        });
    }

    /// <summary>Closes the log file (everything saved is already durable).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        file.Dispose();
    }

    /// <summary>The last index once <paramref name="snapshot"/> (if any) is applied.</summary>
    private long LastIndexAfter(Snapshot? snapshot) =>
        snapshot is null || stored.TermAt(snapshot.Index) == snapshot.Term ? stored.LastIndex : snapshot.Index;

    private void Validate(IReadOnlyList<LogEntry> entries, Snapshot? snapshot)
    {
        if (snapshot is not null && stored.CheckSnapshot(snapshot.Index, snapshot.Term) is { } problem)
            throw new ArgumentException(problem, nameof(snapshot));
        var (baseIndex, lastIndex) = (snapshot?.Index ?? stored.BaseIndex, LastIndexAfter(snapshot));
        if (entries.Count == 0) return;
        var first = entries[0].Index;
        if (first <= baseIndex || first > lastIndex + 1)
            throw new ArgumentException($"entries starting at index {first} do not attach to the log (snapshot at {baseIndex}, last index {lastIndex})", nameof(entries));
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].Index != first + i)
                throw new ArgumentException($"entries are not contiguous: index {entries[i].Index} follows {entries[i - 1].Index}", nameof(entries));
        }
    }

    /// <summary>Rewrites the log file to its live records when enough of it is dead; true if it did.</summary>
    private bool RewriteIfWorthIt()
    {
        var length = file.Length;
        var dead = length - stored.LiveBytes;
        if (dead <= 0 || !(dead > RewriteDeadBytes || (length >= RewriteMinFileBytes && 2 * dead > length))) return false;
        var records = new ArrayBufferWriter<byte>((int)Math.Clamp(stored.LiveBytes, 1, int.MaxValue / 2));
        if (stored.HardState != HardState.Empty) LogFraming.Write(records, new HardStateRecord(stored.HardState));
        if (stored.BaseIndex > 0) LogFraming.Write(records, new SnapshotMarkRecord(stored.BaseIndex, stored.BaseTerm));
        foreach (var entry in stored.Entries) LogFraming.Write(records, new EntryRecord(entry));
        file.Replace(records.WrittenSpan);
        Counters.CountRewrite();
        return true;
    }

    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (failed)
            throw new StorageException($"raft storage {Directory} is unusable after an earlier write failure; restart the agent");
    }

    private void Write(string what, Action action)
    {
        try
        {
            StorageErrors.Wrap($"raft storage {Directory}: {what} failed", action);
        }
        catch
        {
            failed = true;
            throw;
        }
    }
}
