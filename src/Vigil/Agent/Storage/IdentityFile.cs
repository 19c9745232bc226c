using System.Globalization;
using System.Text;

namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// <c>&lt;dataDir&gt;/incarnation</c>: the boot counter and the last epoch, as text
/// (<c>incarnation N\nepoch E\n</c>), replaced atomically (<see cref="AtomicFile"/>). A file that does not parse is
/// refused: starting over at incarnation 1 could reuse an epoch peers have seen.
/// </summary>
internal static class IdentityFile
{
    /// <summary>The stored incarnation and epoch, or null when the file does not exist (first boot).</summary>
    public static (long Incarnation, ulong Epoch)? Read(string path)
    {
        if (!File.Exists(path)) return null;
        var lines = File.ReadAllText(path, Encoding.UTF8).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 2
            && Value(lines[0], "incarnation ") is { } incarnationText
            && Value(lines[1], "epoch ") is { } epochText
            && long.TryParse(incarnationText, NumberStyles.None, CultureInfo.InvariantCulture, out var incarnation)
            && ulong.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            && incarnation > 0)
            return (incarnation, epoch);
        throw new StorageException(
            $"identity file {path} is corrupt (expected \"incarnation N\" and \"epoch E\" lines); refusing to start: restore it or remove the data dir to rejoin as a new member");
    }

    /// <summary>Atomically and durably stores <paramref name="incarnation"/> and <paramref name="epoch"/>.</summary>
    public static void Write(string path, long incarnation, ulong epoch) =>
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"incarnation {incarnation}\nepoch {epoch}\n")));

    private static string? Value(string line, string prefix) => line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : null;
}
