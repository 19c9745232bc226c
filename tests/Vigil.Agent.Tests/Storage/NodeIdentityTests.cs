using Vigil.Cli.Agent.Storage;

namespace Vigil.Agent.Tests.Storage;

public sealed class NodeIdentityTests
{
    [Fact]
    public void Incarnation_counts_boots_and_is_persisted()
    {
        using var dir = new TempDataDir();
        for (var boot = 1; boot <= 3; boot++)
        {
            using var identity = NodeIdentity.Acquire(dir.DataDir, () => 1_000);
            Assert.Equal(boot, identity.Incarnation);
        }
        Assert.Contains("incarnation 3", File.ReadAllText(Path.Combine(dir.DataDir, "incarnation")), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir.DataDir));
    }

    [Fact]
    public void Epoch_strictly_grows_even_when_the_clock_goes_back()
    {
        using var dir = new TempDataDir();
        var epochs = new List<ulong>();
        foreach (var now in new ulong[] { 5_000, 5_000, 1_000, 4_000, 9_000 })
        {
            using var identity = NodeIdentity.Acquire(dir.DataDir, () => now);
            epochs.Add(identity.Epoch);
        }
        Assert.Equal([5_000UL, 5_001, 5_002, 5_003, 9_000], epochs);
    }

    [Fact]
    public void A_second_agent_on_the_same_data_dir_is_refused_while_the_first_holds_it()
    {
        using var dir = new TempDataDir();
        var first = NodeIdentity.Acquire(dir.DataDir, () => 1);
        var error = Assert.Throws<StorageException>(() => NodeIdentity.Acquire(dir.DataDir, () => 2));
        Assert.Contains($"data dir {dir.DataDir} is in use by another vigil agent (lock held", error.Message, StringComparison.Ordinal);
        first.Dispose();
        using var second = NodeIdentity.Acquire(dir.DataDir, () => 3);
        Assert.Equal(2, second.Incarnation); // the refused attempt did not count as a boot
    }

    [Fact]
    public void A_corrupt_incarnation_file_refuses_to_start()
    {
        using var dir = new TempDataDir();
        using (NodeIdentity.Acquire(dir.DataDir, () => 1)) { }
        File.WriteAllText(Path.Combine(dir.DataDir, "incarnation"), "garbage");
        var error = Assert.Throws<StorageException>(() => NodeIdentity.Acquire(dir.DataDir, () => 2));
        Assert.Contains("is corrupt", error.Message, StringComparison.Ordinal);
        using (NodeIdentity.Acquire(dir.DataDir + "-other", () => 2)) { } // the lock was released on failure
        File.Delete(Path.Combine(dir.DataDir, "incarnation"));
        using var fresh = NodeIdentity.Acquire(dir.DataDir, () => 3);
        Assert.Equal(1, fresh.Incarnation);
    }
}
