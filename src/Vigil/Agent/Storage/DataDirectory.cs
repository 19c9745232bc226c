namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// Creates the agent's directories private to its user (mode 0700) and its files mode 0600 (on Unix; on Windows
/// the ACLs are inherited).
/// </summary>
internal static class DataDirectory
{
    private const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates <paramref name="directory"/> (and missing parents) with mode 0700 if it does not exist, and fsyncs
    /// the parent of each directory it created so the new entries survive a power loss. An existing directory is
    /// left as it is.
    /// </summary>
    public static void EnsurePrivate(string directory, StorageCounters? counters = null)
    {
        var full = Path.GetFullPath(directory);
        var missing = new List<string>();
        for (var at = full; at is not null && !Directory.Exists(at); at = Path.GetDirectoryName(at))
        {
            if (File.Exists(at)) throw new IOException($"{at} exists and is not a directory");
            missing.Add(at);
        }
        if (missing.Count == 0) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(full);
        else Directory.CreateDirectory(full, PrivateDirectoryMode);
        for (var i = missing.Count - 1; i >= 0; i--)
        {
            if (Path.GetDirectoryName(missing[i]) is { } parent) DirectorySync.Fsync(parent, counters);
        }
    }

    /// <summary>Options to open <paramref name="mode"/>/<paramref name="access"/>, creating the file with mode 0600.</summary>
    public static FileStreamOptions FileOptions(FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = 0 };
        if (!OperatingSystem.IsWindows() && mode != FileMode.Open && access.HasFlag(FileAccess.Write))
            options.UnixCreateMode = PrivateFileMode;
        return options;
    }
}
