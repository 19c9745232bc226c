using Vigil.Cli.Agent.Storage;
using Vigil.Core.Consensus;
using static Vigil.Agent.Tests.Storage.StorageFixtures;

namespace Vigil.Agent.Tests.Storage;

/// <summary>
/// What a kill -9 or a power loss leaves behind — a log cut at any byte, a garbled or zero-filled tail, a stale
/// <c>log.tmp</c>, a snapshot renamed into place whose log write never reached the disk — is recovered: the
/// storage reopens to a valid prefix of what was written, says so in one line, and appends continue cleanly.
/// </summary>
public sealed class CrashRecoveryTests
{
    /// <summary>A log of nine records and the state after each prefix of them.</summary>
    private sealed class SampleLog
    {
        public SampleLog(TempDataDir dir)
        {
            using (var storage = Open(dir))
            {
                storage.Save(new HardState(1, "n1", 0), [Entry(1, 1), Entry(2, 1)], null); // E1 E2 HS
                storage.Save(new HardState(2, "n2", 1), [Entry(3, 2)], null);             // E3 HS
                storage.Save(null, [Entry(2, 3, "b"), Entry(3, 3, "c")], null);            // T(2) E2' E3'
                storage.Save(new HardState(3, "n3", 3), [], null);                        // HS
            }
            Bytes = File.ReadAllBytes(dir.LogPath);
            Ends = RecordEnds(Bytes);
            var hs1 = new HardState(1, "n1", 0);
            var hs2 = new HardState(2, "n2", 1);
            var e = new[] { Entry(1, 1), Entry(2, 1), Entry(3, 2) };
            States =
            [
                (HardState.Empty, []),
                (HardState.Empty, [e[0]]),
                (HardState.Empty, [e[0], e[1]]),
                (hs1, [e[0], e[1]]),
                (hs1, [.. e]),
                (hs2, [.. e]),
                (hs2, [e[0]]),
                (hs2, [e[0], Entry(2, 3, "b")]),
                (hs2, [e[0], Entry(2, 3, "b"), Entry(3, 3, "c")]),
                (new HardState(3, "n3", 3), [e[0], Entry(2, 3, "b"), Entry(3, 3, "c")]),
            ];
            Assert.Equal(States.Count - 1, Ends.Count);
        }

        public byte[] Bytes { get; }

        /// <summary>End offset of each record.</summary>
        public List<long> Ends { get; }

        /// <summary>State after the first k records, k = 0..9.</summary>
        public List<(HardState HardState, LogEntry[] Entries)> States { get; }

        /// <summary>How many whole records fit in <paramref name="length"/> bytes.</summary>
        public int WholeRecords(long length) => Ends.Count(end => end <= length);

        public long Boundary(int records) => records == 0 ? 0 : Ends[records - 1];
    }

    [Fact]
    public void A_log_cut_at_any_byte_reopens_to_the_whole_records_before_the_cut_and_appends_continue()
    {
        using var dir = new TempDataDir();
        var sample = new SampleLog(dir);
        for (var length = 0; length <= sample.Bytes.Length; length++)
        {
            File.WriteAllBytes(dir.LogPath, sample.Bytes[..length]);
            var records = sample.WholeRecords(length);
            var (hardState, entries) = sample.States[records];
            var lines = new List<string>();
            long nextIndex;
            using (var storage = Open(dir, lines))
            {
                var context = $"cut at {length} of {sample.Bytes.Length}";
                Assert.True(hardState == storage.Restored.HardState, context);
                Assert.True(Describe(entries) == Describe(storage.Restored.Entries), context);
                Assert.True(sample.Boundary(records) == new FileInfo(dir.LogPath).Length, context);
                if (length == sample.Boundary(records))
                {
                    Assert.True(lines.Count == 0, $"{context}: {string.Join(" | ", lines)}");
                }
                else
                {
                    var line = Assert.Single(lines);
                    Assert.Contains($"torn or corrupt record at offset {sample.Boundary(records)}", line, StringComparison.Ordinal);
                    Assert.Contains($"truncating {length - sample.Boundary(records)} bytes", line, StringComparison.Ordinal);
                    Assert.Contains($"entries after index {entries.Length} were never acknowledged", line, StringComparison.Ordinal);
                }
                nextIndex = storage.LastIndex + 1;
                storage.Save(new HardState(9, "n9", 0), [Entry(nextIndex, 9, "after")], null);
            }
            using (var reopened = Open(dir, lines))
            {
                Assert.Equal(Describe([.. entries, Entry(nextIndex, 9, "after")]), Describe(reopened.Restored.Entries));
                Assert.Equal(new HardState(9, "n9", 0), reopened.Restored.HardState);
                Assert.True(lines.Count <= 1); // nothing more to repair
            }
        }
    }

    [Fact]
    public void Any_changed_byte_in_the_last_record_is_detected_and_cut()
    {
        using var dir = new TempDataDir();
        var sample = new SampleLog(dir);
        var lastStart = (int)sample.Boundary(sample.Ends.Count - 1);
        foreach (var mask in new byte[] { 0x01, 0x80, 0xFF })
        {
            for (var at = lastStart; at < sample.Bytes.Length; at++)
            {
                var bytes = (byte[])sample.Bytes.Clone();
                bytes[at] ^= mask;
                File.WriteAllBytes(dir.LogPath, bytes);
                var lines = new List<string>();
                using var storage = Open(dir, lines);
                var (hardState, entries) = sample.States[^2];
                var context = $"byte {at} ^ {mask:X2}";
                Assert.True(hardState == storage.Restored.HardState, context);
                Assert.True(Describe(entries) == Describe(storage.Restored.Entries), context);
                var line = Assert.Single(lines);
                Assert.Contains($"torn or corrupt record at offset {lastStart}", line, StringComparison.Ordinal);
                Assert.Equal(lastStart, new FileInfo(dir.LogPath).Length);
            }
        }
    }

    [Fact]
    public void A_flipped_payload_byte_is_reported_as_a_crc_mismatch()
    {
        using var dir = new TempDataDir();
        var sample = new SampleLog(dir);
        var bytes = (byte[])sample.Bytes.Clone();
        bytes[^1] ^= 0x10;
        File.WriteAllBytes(dir.LogPath, bytes);
        var lines = new List<string>();
        using var storage = Open(dir, lines);
        var lastStart = sample.Boundary(sample.Ends.Count - 1);
        Assert.Equal(
            $"raft log {dir.LogPath}: torn or corrupt record at offset {lastStart} (CRC mismatch); " +
            $"truncating {bytes.Length - lastStart} bytes — entries after index 3 were never acknowledged",
            Assert.Single(lines));
    }

    [Theory]
    [InlineData(0x00)] // a power loss can leave file blocks allocated but never written: zeros
    [InlineData(0xFF)]
    [InlineData(-1)]   // random garbage
    public void A_garbage_tail_is_cut(int fill)
    {
        using var dir = new TempDataDir();
        var sample = new SampleLog(dir);
        var tail = new byte[4096];
        if (fill >= 0) Array.Fill(tail, (byte)fill);
        else new Random(7).NextBytes(tail);
        File.WriteAllBytes(dir.LogPath, [.. sample.Bytes, .. tail]);
        var lines = new List<string>();
        using (var storage = Open(dir, lines))
        {
            AssertEntries(sample.States[^1].Entries, storage);
            Assert.Single(lines);
            storage.Save(null, [Entry(4, 3)], null);
        }
        using var reopened = Open(dir, lines);
        AssertEntries([.. sample.States[^1].Entries, Entry(4, 3)], reopened);
        Assert.Single(lines);
    }

    [Fact]
    public void An_interrupted_rewrite_leaves_log_tmp_and_recovers_from_log()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
            storage.Save(new HardState(1, "n1", 20), Entries(1, 20, 1), null);
        var log = File.ReadAllBytes(dir.LogPath);
        File.WriteAllBytes(dir.LogPath + ".tmp", log[..(log.Length / 2)]); // the rewrite died half way
        var lines = new List<string>();
        using (var storage = Open(dir, lines))
        {
            AssertEntries(Entries(1, 20, 1), storage);
            Assert.Contains("log.tmp left by an interrupted write", Assert.Single(lines), StringComparison.Ordinal);
            Assert.False(File.Exists(dir.LogPath + ".tmp"));
        }
        Assert.Equal(log, File.ReadAllBytes(dir.LogPath));
    }

    [Fact]
    public void A_snapshot_saved_without_its_log_write_is_completed_on_reopen()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
            storage.Save(new HardState(1, "n1", 5), Entries(1, 5, 1), null);
        var before = File.ReadAllBytes(dir.LogPath);
        using (var storage = Open(dir))
            storage.Save(new HardState(2, "n2", 9), [Entry(10, 2)], Snap(9, 2)); // a leader's snapshot
        File.WriteAllBytes(dir.LogPath, before); // the crash: the snapshot was renamed in, the log write was lost
        var lines = new List<string>();
        using (var storage = Open(dir, lines))
        {
            Assert.Contains("completing the save of snapshot at index 9", Assert.Single(lines), StringComparison.Ordinal);
            Assert.Equal(9, storage.Restored.Snapshot!.Index);
            Assert.Empty(storage.Restored.Entries);
            Assert.Equal(new HardState(1, "n1", 5), storage.Restored.HardState);
            storage.Save(new HardState(2, "n2", 9), [Entry(10, 2)], null);
        }
        using var reopened = Open(dir, lines);
        AssertEntries([Entry(10, 2)], reopened);
        Assert.Single(lines);
    }

    [Fact]
    public void A_corrupt_snapshot_file_refuses_to_start()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
        {
            storage.Save(null, Entries(1, 5, 1), null);
            storage.SaveSnapshot(Snap(4, 1, "important state"));
        }
        var bytes = File.ReadAllBytes(dir.SnapshotPath);
        bytes[^1] ^= 0x04;
        File.WriteAllBytes(dir.SnapshotPath, bytes);
        var error = Assert.Throws<StorageException>(() => Open(dir));
        Assert.Equal(
            $"snapshot {dir.SnapshotPath} is corrupt (CRC mismatch); refusing to start: restore it or remove the data dir to rejoin as a new member",
            error.Message);

        File.WriteAllBytes(dir.SnapshotPath, bytes[..7]);
        Assert.Contains("is corrupt", Assert.Throws<StorageException>(() => Open(dir)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_snapshot_under_a_compacted_log_refuses_to_start()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
        {
            storage.Save(null, Entries(1, 5, 1), null);
            storage.SaveSnapshot(Snap(4, 1));
        }
        File.Delete(dir.SnapshotPath);
        var error = Assert.Throws<StorageException>(() => Open(dir));
        Assert.Contains("there is no snapshot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_commit_index_past_the_end_of_the_log_is_reported_and_clamped()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
        {
            storage.Save(new HardState(1, "n1", 0), Entries(1, 3, 1), null);
            storage.Save(new HardState(1, "n1", 3), [], null);
        }
        // Lose entry 3 but keep the later hard state: only a disk that loses fsynced data can do this.
        var bytes = File.ReadAllBytes(dir.LogPath);
        var ends = RecordEnds(bytes);
        File.WriteAllBytes(dir.LogPath, [.. bytes[..(int)ends[1]], .. bytes[(int)ends[^2]..]]);
        var lines = new List<string>();
        using var reopened = Open(dir, lines);
        Assert.Equal(new HardState(1, "n1", 2), reopened.Restored.HardState);
        Assert.Contains("committed entries were lost", Assert.Single(lines), StringComparison.Ordinal);
    }
}
