using System.Buffers;
using Vigil.Core.Consensus;

namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// Recovers the Raft log at start: replays the log file, cuts a torn or corrupt tail (one log line, then a
/// truncate and fsync, so new appends continue from a clean tail), and reconciles the log with the snapshot file
/// (completing a snapshot save that a crash interrupted between the snapshot's rename and the log's fsync).
/// </summary>
internal static class RaftLogLoader
{
    /// <summary>The replayed log and the file, open for appending at the end of its valid records.</summary>
    public static (StoredLog Log, LogFile File) Load(string logPath, string snapshotPath, Snapshot? snapshot, Action<string> log, StorageCounters counters)
    {
        var file = LogFile.Open(logPath, counters);
        try
        {
            var stored = new StoredLog();
            var scan = LogScanner.Scan(logPath, stored.Replay);
            if (scan.Problem is not null)
            {
                log($"raft log {logPath}: torn or corrupt record at offset {scan.ValidLength} ({scan.Problem}); " +
                    $"truncating {scan.FileLength - scan.ValidLength} bytes — entries after index {stored.LastIndex} were never acknowledged");
                file.TruncateTo(scan.ValidLength);
            }
            Reconcile(stored, file, snapshotPath, snapshot, log);
            ClampCommit(stored, logPath, log);
            return (stored, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void Reconcile(StoredLog stored, LogFile file, string snapshotPath, Snapshot? snapshot, Action<string> log)
    {
        if (snapshot is null)
        {
            if (stored.BaseIndex > 0)
                throw new StorageException(
                    $"raft log {file.Path} starts after index {stored.BaseIndex} (a snapshot replaced the entries up to there) but there is no snapshot " +
                    $"{snapshotPath}; refusing to start: restore it or remove the data dir to rejoin as a new member");
            return;
        }
        if (stored.CheckSnapshot(snapshot.Index, snapshot.Term) is { } problem)
            throw new StorageException(
                $"snapshot {snapshotPath} does not match raft log {file.Path} ({problem}); refusing to start: restore them or remove the data dir to rejoin as a new member");
        if (snapshot.Index == stored.BaseIndex) return;

        log($"raft log {file.Path}: completing the save of snapshot at index {snapshot.Index} (term {snapshot.Term}) that a crash interrupted");
        stored.ApplySnapshot(snapshot.Index, snapshot.Term);
        var buffer = new ArrayBufferWriter<byte>();
        LogFraming.Write(buffer, new SnapshotMarkRecord(snapshot.Index, snapshot.Term));
        file.Append(buffer.WrittenSpan);
        file.Sync();
    }

    /// <summary>
    /// A commit index past the end of the log means entries this node had fsynced as committed are gone (the
    /// disk lost or corrupted acknowledged data): say so loudly, and restart from the end of the log (the commit
    /// index is re-learned from the leader).
    /// </summary>
    private static void ClampCommit(StoredLog stored, string logPath, Action<string> log)
    {
        var state = stored.HardState;
        if (state.Commit <= stored.LastIndex) return;
        log($"raft log {logPath}: the hard state says entries up to index {state.Commit} are committed but the log ends at index {stored.LastIndex}; " +
            $"committed entries were lost (disk corruption?) — continuing with commit index {stored.LastIndex}; if this repeats, remove the data dir to rejoin as a new member");
        stored.SetHardState(state with { Commit = stored.LastIndex }, LogFraming.HeaderSize + RaftCodec.Encode(state).Length);
    }
}
