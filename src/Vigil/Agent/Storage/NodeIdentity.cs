namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// The agent's claim on its data dir and who it is this boot. <see cref="Acquire"/> takes an exclusive lock on
/// <c>&lt;dataDir&gt;/lock</c> (held until <see cref="Dispose"/> or the process dies, kill -9 included), then
/// counts this boot in <c>&lt;dataDir&gt;/incarnation</c>: <see cref="Incarnation"/> is 1 on the first boot and
/// grows by one on every boot, and <see cref="Epoch"/> (milliseconds since the Unix epoch, used by the wire
/// layer) strictly grows across boots even if the clock goes back. Both are fsynced before Acquire returns.
/// <para>
/// The lock is .NET's <see cref="FileShare.None"/>, which on Unix is an advisory <c>flock(LOCK_EX)</c>: it keeps
/// out a second vigil agent, not other programs (and is off if DOTNET_SYSTEM_IO_DISABLEFILELOCKING is set).
/// </para>
/// </summary>
public sealed class NodeIdentity : IDisposable
{
    // errno EWOULDBLOCK (Linux, macOS) as .NET reports a held flock on Unix; ERROR_SHARING_VIOLATION on Windows.
    private static readonly int[] LockHeldResults = [11, 35, unchecked((int)0x80070020)];

    private readonly FileStream lockFile;

    private NodeIdentity(string dataDir, FileStream lockFile, long incarnation, ulong epoch)
    {
        DataDir = dataDir;
        this.lockFile = lockFile;
        Incarnation = incarnation;
        Epoch = epoch;
    }

    /// <summary>The data dir (full path).</summary>
    public string DataDir { get; }

    /// <summary>This boot's number: 1 on the first boot of this data dir, then +1 on every boot.</summary>
    public long Incarnation { get; }

    /// <summary>This boot's epoch: max(the clock in Unix milliseconds, the previous boot's epoch + 1).</summary>
    public ulong Epoch { get; }

    /// <summary>
    /// Locks <paramref name="dataDir"/> (creating it, mode 0700) and counts this boot. Throws
    /// <see cref="StorageException"/> if another agent holds the lock, on a permission or I/O problem, or if the
    /// incarnation file is corrupt.
    /// </summary>
    public static NodeIdentity Acquire(string dataDir, Func<ulong> unixMillisNow)
    {
        ArgumentNullException.ThrowIfNull(unixMillisNow);
        var full = Path.GetFullPath(dataDir);
        return StorageErrors.Wrap($"data dir {full}", () =>
        {
            DataDirectory.EnsurePrivate(full);
            var lockFile = Lock(full);
            try
            {
                var path = Path.Combine(full, "incarnation");
                AtomicFile.RemoveStaleTemp(path);
                var previous = IdentityFile.Read(path);
                var incarnation = (previous?.Incarnation ?? 0) + 1;
                var now = unixMillisNow();
                var epoch = previous is { } p && p.Epoch >= now ? p.Epoch + 1 : now;
                IdentityFile.Write(path, incarnation, epoch);
                return new NodeIdentity(full, lockFile, incarnation, epoch);
            }
            catch
            {
                lockFile.Dispose();
                throw;
            }
        });
    }

    /// <summary>Releases the data dir lock.</summary>
    public void Dispose() => lockFile.Dispose();

    private static FileStream Lock(string dataDir)
    {
        var path = Path.Combine(dataDir, "lock");
        try
        {
            return new FileStream(path, DataDirectory.FileOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException && LockHeldResults.Contains(ex.HResult))
        {
            throw new StorageException($"data dir {dataDir} is in use by another vigil agent (lock held on {path})", ex);
        }
    }
}
