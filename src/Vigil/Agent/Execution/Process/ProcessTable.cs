using System.Globalization;

// The helpers of the built-in process type keep the Execution namespace: a namespace named after their folder
// ("Process") would hide System.Diagnostics.Process from the rest of Execution.
namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// What /proc/PID/stat says about one process: its state, process group, session and start time (field 22, in
/// clock ticks since boot — with the pid it names one process for the life of the machine, so a reused pid is
/// told apart from the process that was recorded).
/// </summary>
internal readonly record struct ProcStat(int Pid, char State, int ProcessGroup, int Session, ulong StartTime)
{
    /// <summary>False for a zombie (exited, not yet reaped — e.g. an orphan under an init that does not reap) or a dead task.</summary>
    public bool IsLive => State is not ('Z' or 'X' or 'x');
}

/// <summary>Reads the Linux process table (/proc). Never throws: a process that vanished while being read is simply absent.</summary>
internal static class ProcessTable
{
    private const string ProcRoot = "/proc";

    /// <summary>The process's stat, or null if there is no such process (or /proc cannot be read).</summary>
    public static ProcStat? Read(int pid)
    {
        if (pid <= 0) return null;
        try
        {
            return Parse(pid, File.ReadAllText(Path.Combine(ProcRoot, pid.ToString(CultureInfo.InvariantCulture), "stat")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses a /proc/PID/stat line. The command name (field 2) is in parentheses and may itself hold spaces and
    /// parentheses, so the fields are counted from the last ')'.
    /// </summary>
    public static ProcStat? Parse(int pid, string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0) return null;
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        if (fields.Length < 20 || fields[0].Length != 1) return null;
        if (!int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            || !int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var startTime))
            return null;
        return new ProcStat(pid, fields[0][0], group, session, startTime);
    }

    /// <summary>No such process any more, or only a zombie waiting for its reaper.</summary>
    public static bool IsGone(int pid) => Read(pid) is not { IsLive: true };

    /// <summary>True while the process <paramref name="pid"/> that started at <paramref name="startTime"/> lives (not a zombie, not a reused pid).</summary>
    public static bool IsLive(int pid, ulong startTime) => Read(pid) is { IsLive: true } stat && stat.StartTime == startTime;

    /// <summary>The live (non-zombie) processes of process group <paramref name="processGroup"/>, in pid order.</summary>
    public static IReadOnlyList<int> LiveMembers(int processGroup)
    {
        var members = new List<int>();
        if (processGroup <= 0) return members;
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories(ProcRoot).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return members;
        }
        foreach (var entry in entries)
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Read(pid) is { IsLive: true } stat && stat.ProcessGroup == processGroup) members.Add(pid);
        }
        members.Sort();
        return members;
    }

    /// <summary>The process's command line with its arguments separated by spaces, or null if it cannot be read.</summary>
    public static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText(Path.Combine(ProcRoot, pid.ToString(CultureInfo.InvariantCulture), "cmdline")).Replace('\0', ' ').Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the process has <paramref name="path"/> open (one of /proc/PID/fd/* links to it); null when its
    /// descriptors cannot be read (another user's process without the privilege to look).
    /// </summary>
    public static bool? HasOpen(int pid, string path)
    {
        var wanted = Path.GetFullPath(path);
        try
        {
            foreach (var link in Directory.EnumerateFileSystemEntries(Path.Combine(ProcRoot, pid.ToString(CultureInfo.InvariantCulture), "fd")))
            {
                string? target;
                try
                {
                    target = new FileInfo(link).LinkTarget;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue; // closed while we looked
                }
                if (target == wanted) return true;
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
