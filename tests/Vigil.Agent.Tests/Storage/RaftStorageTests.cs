using Vigil.Cli.Agent.Storage;
using Vigil.Core.Consensus;
using static Vigil.Agent.Tests.Storage.StorageFixtures;

namespace Vigil.Agent.Tests.Storage;

/// <summary>Saving and reopening: what Save persisted is exactly what Open restores.</summary>
public sealed class RaftStorageTests
{
    [Fact]
    public void A_new_data_dir_opens_empty()
    {
        using var dir = new TempDataDir();
        var lines = new List<string>();
        using var storage = Open(dir, lines);
        Assert.Equal(HardState.Empty, storage.Restored.HardState);
        Assert.Null(storage.Restored.Snapshot);
        Assert.Empty(storage.Restored.Entries);
        Assert.Equal(0, storage.LastIndex);
        Assert.Equal(1, storage.FirstIndex);
        Assert.Empty(lines);
        Assert.True(File.Exists(dir.LogPath));
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            Assert.Equal(Private, File.GetUnixFileMode(dir.DataDir));
            Assert.Equal(Private, File.GetUnixFileMode(dir.RaftDir));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.LogPath));
        }
    }

    [Fact]
    public void Hard_state_entries_and_snapshot_round_trip()
    {
        using var dir = new TempDataDir();
        var withMembership = new LogEntry(4, 2, [1, 2, 3], RaftMembership.Of(["n1", "n2"], "n2"));
        using (var storage = Open(dir))
        {
            storage.Save(new HardState(1, "n1", 0), Entries(1, 3, 1), null);
            storage.Save(new HardState(2, null, 2), [withMembership], null);
            Assert.Equal(4, storage.LastIndex);
        }
        using (var storage = Open(dir))
        {
            Assert.Equal(new HardState(2, null, 2), storage.Restored.HardState);
            AssertEntries([.. Entries(1, 3, 1), withMembership], storage);
            Assert.True(storage.Restored.Entries[3].Membership!.SameAs(withMembership.Membership!));
            Assert.Null(storage.Restored.Snapshot);
            storage.Save(null, Entries(5, 6, 2), Snap(4, 2, "db@4"));
        }
        using (var reopened = Open(dir))
        {
            var snapshot = reopened.Restored.Snapshot!;
            Assert.Equal((4, 2, "db@4"), (snapshot.Index, snapshot.Term, System.Text.Encoding.UTF8.GetString(snapshot.Data)));
            Assert.True(snapshot.Membership.SameAs(Members));
            AssertEntries(Entries(5, 6, 2), reopened);
            Assert.Equal((5L, 6L), (reopened.FirstIndex, reopened.LastIndex));
            Assert.Equal(new HardState(2, null, 2), reopened.Restored.HardState);
        }
    }

    [Fact]
    public void Conflicting_entries_replace_the_tail_across_reopen()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
        {
            storage.Save(new HardState(1, "n1", 2), Entries(1, 5, 1), null);
            storage.Save(new HardState(2, "n2", 2), [Entry(3, 2, "new3"), Entry(4, 2, "new4")], null);
            Assert.Equal(4, storage.LastIndex);
        }
        using (var storage = Open(dir))
        {
            AssertEntries([Entry(1, 1), Entry(2, 1), Entry(3, 2, "new3"), Entry(4, 2, "new4")], storage);
            storage.Save(null, [Entry(4, 3, "newer4"), Entry(5, 3)], null);
            storage.Save(null, [Entry(2, 3, "x")], null); // a later conflict shortens the log
        }
        using (var reopened = Open(dir))
        {
            AssertEntries([Entry(1, 1), Entry(2, 3, "x")], reopened);
            Assert.Equal(new HardState(2, "n2", 2), reopened.Restored.HardState);
        }
    }

    [Fact]
    public void A_leader_snapshot_keeps_the_entries_after_it_only_if_the_log_holds_it()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
        {
            storage.Save(new HardState(1, null, 0), Entries(1, 5, 1), null);
            storage.Save(null, [], Snap(3, 1)); // the log holds 3/1: entries 4 and 5 stay
            Assert.Equal((4L, 5L), (storage.FirstIndex, storage.LastIndex));
        }
        using (var storage = Open(dir))
        {
            AssertEntries(Entries(4, 5, 1), storage);
            storage.Save(new HardState(3, "n3", 10), [Entry(11, 3)], Snap(10, 2)); // 10/2 is not in the log: all dropped
        }
        using (var reopened = Open(dir))
        {
            Assert.Equal(10, reopened.Restored.Snapshot!.Index);
            AssertEntries([Entry(11, 3)], reopened);
            Assert.Equal(new HardState(3, "n3", 10), reopened.Restored.HardState);
        }
    }

    [Fact]
    public void A_snapshot_at_an_index_whose_term_differs_drops_every_entry()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
        {
            storage.Save(null, Entries(1, 5, 1), null);
            storage.Save(null, [], Snap(4, 2));
            Assert.Equal((5L, 4L), (storage.FirstIndex, storage.LastIndex));
        }
        using var reopened = Open(dir);
        Assert.Empty(reopened.Restored.Entries);
        Assert.Equal(4, reopened.LastIndex);
    }

    [Fact]
    public void Invalid_saves_are_refused_and_leave_the_log_unchanged()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
        {
            storage.Save(null, Entries(1, 3, 1), null);
            Assert.Throws<ArgumentException>(() => storage.Save(null, [Entry(4, 1), Entry(6, 1)], null)); // gap
            Assert.Throws<ArgumentException>(() => storage.Save(null, [Entry(5, 1)], null));              // past the end
            Assert.Throws<ArgumentException>(() => storage.Save(null, [Entry(0, 1)], null));              // before the start
            storage.Save(null, [], Snap(2, 1));
            Assert.Throws<ArgumentException>(() => storage.Save(null, [Entry(2, 2)], null));              // into the snapshot
            Assert.Throws<ArgumentException>(() => storage.Save(null, [], Snap(1, 1)));                   // older snapshot
            Assert.Throws<ArgumentException>(() => storage.SaveSnapshot(Snap(7, 1)));                     // not in the log
            Assert.Throws<ArgumentException>(() => storage.SaveSnapshot(Snap(3, 2)));                     // wrong term
            storage.Save(null, [Entry(4, 1)], null);                                                      // still usable
        }
        using var reopened = Open(dir);
        AssertEntries(Entries(3, 4, 1), reopened);
    }

    [Fact]
    public void Save_fsyncs_the_log_exactly_once_and_an_empty_save_does_no_io()
    {
        using var dir = new TempDataDir();
        using var storage = Open(dir);
        var (fsyncs, bytes) = (storage.Fsyncs, storage.BytesWritten);
        storage.Save(new HardState(1, "n1", 0), Entries(1, 10, 1), null);
        Assert.Equal(fsyncs + 1, storage.Fsyncs);
        Assert.True(storage.BytesWritten > bytes);
        (fsyncs, bytes) = (storage.Fsyncs, storage.BytesWritten);
        storage.Save(null, [], null);
        Assert.Equal((fsyncs, bytes), (storage.Fsyncs, storage.BytesWritten));
        storage.Save(null, [], Snap(5, 1)); // snapshot file: tmp fsync + dir fsync, then the log's fsync
        Assert.Equal(fsyncs + 3, storage.Fsyncs);
    }

    [Fact]
    public void A_new_commit_index_alone_is_written_without_an_fsync_but_a_term_or_vote_is_fsynced()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
        {
            storage.Save(new HardState(1, "n1", 0), Entries(1, 3, 1), null);
            var (fsyncs, bytes) = (storage.Fsyncs, storage.BytesWritten);
            storage.Save(new HardState(1, "n1", 2), [], null); // the commit index moved: nothing Raft must keep
            Assert.Equal(fsyncs, storage.Fsyncs);
            Assert.True(storage.BytesWritten > bytes);
            storage.Save(new HardState(1, "n1", 3), Entries(4, 4, 1), null); // entries: fsynced (the commit record with them)
            Assert.Equal(fsyncs + 1, storage.Fsyncs);
            storage.Save(new HardState(2, null, 3), [], null); // a new term
            Assert.Equal(fsyncs + 2, storage.Fsyncs);
            storage.Save(new HardState(2, "n2", 3), [], null); // a vote
            Assert.Equal(fsyncs + 3, storage.Fsyncs);
            storage.Save(new HardState(2, "n2", 4), [], null);
            Assert.Equal(fsyncs + 3, storage.Fsyncs);
        }
        using var reopened = Open(dir);
        Assert.Equal(new HardState(2, "n2", 4), reopened.Restored.HardState); // written, so read back after a clean stop
        AssertEntries(Entries(1, 4, 1), reopened);
    }

    [Fact]
    public void Compaction_drops_old_entries_rewrites_the_log_and_survives_reopen()
    {
        using var dir = new TempDataDir();
        long sizeBefore;
        using (var storage = Open(dir))
        {
            storage.Save(new HardState(1, "n1", 200), Entries(1, 200, 1, dataBytes: 100), null);
            sizeBefore = storage.LogFileBytes;
            storage.SaveSnapshot(Snap(150, 1, "db@150"));
            Assert.Equal(1, storage.Counters.Rewrites);
            Assert.True(storage.LogFileBytes < sizeBefore / 3, $"{storage.LogFileBytes} of {sizeBefore}");
            Assert.Equal((151L, 200L), (storage.FirstIndex, storage.LastIndex));
            Assert.False(File.Exists(dir.LogPath + ".tmp"));
        }
        using (var storage = Open(dir))
        {
            Assert.Equal(150, storage.Restored.Snapshot!.Index);
            AssertEntries(Entries(151, 200, 1, dataBytes: 100), storage);
            Assert.Equal(new HardState(1, "n1", 200), storage.Restored.HardState);
            storage.SaveSnapshot(Snap(160, 1, "db@160")); // a little dead: no rewrite
            Assert.Equal(0, storage.Counters.Rewrites);
            storage.Save(new HardState(2, "n2", 200), [Entry(201, 2)], null);
        }
        using (var reopened = Open(dir))
        {
            Assert.Equal(160, reopened.Restored.Snapshot!.Index);
            AssertEntries([.. Entries(161, 200, 1, dataBytes: 100), Entry(201, 2)], reopened);
            Assert.Equal(new HardState(2, "n2", 200), reopened.Restored.HardState);
        }
    }

    [Fact]
    public void Compacting_everything_leaves_an_empty_log_after_the_snapshot()
    {
        using var dir = new TempDataDir();
        using (var storage = Open(dir))
        {
            storage.Save(new HardState(1, null, 100), Entries(1, 100, 1, dataBytes: 100), null);
            storage.SaveSnapshot(Snap(100, 1));
            Assert.Equal(1, storage.Counters.Rewrites);
            Assert.Equal((101L, 100L), (storage.FirstIndex, storage.LastIndex));
            storage.Save(null, [Entry(101, 1)], null);
        }
        using var reopened = Open(dir);
        AssertEntries([Entry(101, 1)], reopened);
        Assert.Equal(100, reopened.Restored.Snapshot!.Index);
    }

    [Fact]
    public void A_data_dir_that_cannot_be_created_gives_a_clear_storage_error()
    {
        using var dir = new TempDataDir();
        var blocker = Path.Combine(dir.Root, "file");
        File.WriteAllText(blocker, "not a directory");
        var error = Assert.Throws<StorageException>(() => RaftStorage.Open(Path.Combine(blocker, "data"), _ => { }));
        Assert.Contains(blocker, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("raft storage ", error.Message, StringComparison.Ordinal);
    }
}
