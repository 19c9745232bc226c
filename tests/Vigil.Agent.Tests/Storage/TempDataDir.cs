namespace Vigil.Agent.Tests.Storage;

/// <summary>A fresh data dir under the system temp dir, deleted on dispose.</summary>
internal sealed class TempDataDir : IDisposable
{
    public TempDataDir()
    {
        Root = Path.Combine(Path.GetTempPath(), "vigil-storage-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>The temp root (exists).</summary>
    public string Root { get; }

    /// <summary>The data dir inside it (not created: the code under test creates it).</summary>
    public string DataDir => Path.Combine(Root, "data");

    public string RaftDir => Path.Combine(DataDir, "raft");

    public string LogPath => Path.Combine(RaftDir, "log");

    public string SnapshotPath => Path.Combine(RaftDir, "snapshot");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
