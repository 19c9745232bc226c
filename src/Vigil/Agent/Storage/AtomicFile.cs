namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// Replaces a file all-or-nothing: the content goes to <c>&lt;path&gt;.tmp</c>, which is fsynced, renamed over
/// <c>&lt;path&gt;</c>, and then the directory is fsynced (<see cref="DirectorySync"/>) so the rename itself is
/// durable. A crash leaves either the old or the new file, plus maybe a stale <c>.tmp</c> that
/// <see cref="RemoveStaleTemp"/> deletes on the next start.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The temporary file <see cref="Write"/> uses for <paramref name="path"/>.</summary>
    public static string TempPath(string path) => path + ".tmp";

    /// <summary>Atomically and durably replaces <paramref name="path"/>'s content with <paramref name="content"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content, StorageCounters? counters = null)
    {
        var temp = TempPath(path);
        using (var file = new FileStream(temp, DataDirectory.FileOptions(FileMode.Create, FileAccess.Write, FileShare.None)))
        {
            file.Write(content);
            counters?.CountWrite(content.Length);
            file.Flush(flushToDisk: true);
            counters?.CountFsync();
        }
        File.Move(temp, path, overwrite: true);
        DirectorySync.Fsync(Path.GetDirectoryName(Path.GetFullPath(path))!, counters);
    }

    /// <summary>Deletes a <c>.tmp</c> left by a <see cref="Write"/> that crashed; true if there was one.</summary>
    public static bool RemoveStaleTemp(string path)
    {
        var temp = TempPath(path);
        if (!File.Exists(temp)) return false;
        File.Delete(temp);
        return true;
    }
}
