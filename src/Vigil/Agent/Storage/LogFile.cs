namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// The open Raft log file: appends records at its end, fsyncs, cuts a bad tail, and replaces the whole file
/// atomically when it is rewritten. Unbuffered: each <see cref="Append"/> is one write(2).
/// </summary>
internal sealed class LogFile : IDisposable
{
    private readonly StorageCounters counters;
    private FileStream stream;

    private LogFile(string path, FileStream stream, StorageCounters counters)
    {
        Path = path;
        this.stream = stream;
        this.counters = counters;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The file's length in bytes.</summary>
    public long Length => stream.Length;

    /// <summary>Opens <paramref name="path"/> for appending, creating it (mode 0600, durably) if it does not exist.</summary>
    public static LogFile Open(string path, StorageCounters counters)
    {
        var created = !File.Exists(path);
        var stream = OpenStream(path);
        if (created)
        {
            try
            {
                DirectorySync.Fsync(System.IO.Path.GetDirectoryName(path)!, counters);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        return new LogFile(path, stream, counters);
    }

    /// <summary>Writes <paramref name="records"/> at the end of the file (not yet durable: see <see cref="Sync"/>).</summary>
    public void Append(ReadOnlySpan<byte> records)
    {
        stream.Position = stream.Length;
        stream.Write(records);
        counters.CountWrite(records.Length);
    }

    /// <summary>fsyncs the file: everything appended so far survives a crash or a power loss.</summary>
    public void Sync()
    {
        stream.Flush(flushToDisk: true);
        counters.CountFsync();
    }

    /// <summary>Cuts the file to <paramref name="length"/> bytes, durably.</summary>
    public void TruncateTo(long length)
    {
        stream.SetLength(length);
        Sync();
    }

    /// <summary>Atomically replaces the whole file with <paramref name="content"/> (through <c>log.tmp</c>) and reopens it.</summary>
    public void Replace(ReadOnlySpan<byte> content)
    {
        stream.Dispose();
        AtomicFile.Write(Path, content, counters);
        stream = OpenStream(Path);
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => stream.Dispose();

    private static FileStream OpenStream(string path) =>
        new(path, DataDirectory.FileOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read));
}
