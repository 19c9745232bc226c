using System.Globalization;
using System.Runtime.InteropServices;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// Keeps the agent's open files out of the processes it starts. .NET opens its own files close-on-exec, but
/// descriptors the agent inherited from whoever started it (a supervisor's pipe, a test host's channel) are not,
/// and a long-running process would hold them open for its whole life — after the agent is gone.
/// </summary>
internal static class InheritedDescriptors
{
    private const int GetFlags = 1; // F_GETFD
    private const int SetFlags = 2; // F_SETFD
    private const int CloseOnExec = 1; // FD_CLOEXEC

    /// <summary>Marks every descriptor above stderr close-on-exec (stdin, stdout and stderr are the child's to replace).</summary>
    public static void MarkCloseOnExec()
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries("/proc/self/fd").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var entry in entries)
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) || fd <= 2) continue;
            var flags = Fcntl(fd, GetFlags, 0);
            if (flags >= 0 && (flags & CloseOnExec) == 0) _ = Fcntl(fd, SetFlags, flags | CloseOnExec);
        }
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);
}
