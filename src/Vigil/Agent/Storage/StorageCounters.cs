namespace Vigil.Cli.Agent.Storage;

/// <summary>What the storage did to the disk, for benchmarks and diagnostics: bytes written and fsyncs issued
/// (files and directories), and log rewrites.</summary>
public sealed class StorageCounters
{
    /// <summary>Bytes written to files (log appends, rewrites, snapshot and identity files).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>fsyncs issued, of files and of directories.</summary>
    public long Fsyncs { get; private set; }

    /// <summary>Times the log was rewritten (compacted) through <c>log.tmp</c>.</summary>
    public long Rewrites { get; private set; }

    internal void CountWrite(long bytes) => BytesWritten += bytes;

    internal void CountFsync() => Fsyncs++;

    internal void CountRewrite() => Rewrites++;
}
