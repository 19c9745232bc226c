using System.Text;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// The output file of a process resource. The process writes to it directly (opened for append, so an
/// operator's logrotate with copytruncate works); the agent holds no pipe to it. At every start the previous
/// run's output moves to <c>FILE.1</c>, cut to its last <see cref="MaxKeptBytes"/>, and the file starts empty —
/// so the lines shown for a failed start are this run's.
/// </summary>
internal static class ProcessLog
{
    /// <summary>How much of the previous run's output is kept in FILE.1.</summary>
    public const int MaxKeptBytes = 1024 * 1024;

    /// <summary>How much of the file's end is read for its last lines.</summary>
    private const int TailBytes = 16 * 1024;

    /// <summary>Moves the previous output aside (bounded) and leaves an empty file; throws IOException or UnauthorizedAccessException.</summary>
    public static void Rotate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            using var previous = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            previous.Seek(Math.Max(0, previous.Length - MaxKeptBytes), SeekOrigin.Begin);
            using var kept = new FileStream(path + ".1", FileMode.Create, FileAccess.Write);
            previous.CopyTo(kept);
        }
        using var fresh = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
    }

    /// <summary>The last <paramref name="count"/> non-empty lines of the file (fewer if it has fewer; none if it cannot be read).</summary>
    public static IReadOnlyList<string> LastLines(string path, int count)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var start = Math.Max(0, file.Length - TailBytes);
            file.Seek(start, SeekOrigin.Begin);
            var buffer = new byte[file.Length - start];
            file.ReadExactly(buffer);
            var lines = Encoding.UTF8.GetString(buffer).Split('\n').Select(l => l.TrimEnd('\r', ' ', '\t')).Where(l => l.Length > 0).ToList();
            if (start > 0 && lines.Count > 0) lines.RemoveAt(0); // the first line was cut
            return lines.TakeLast(count).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
