using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Cli.Agent.Execution;

/// <summary>How a child process ended: its exit code, or that it timed out (and was killed) or could not start.</summary>
internal sealed record ChildResult(int? ExitCode, bool TimedOut, string? StartError, string Output)
{
    public bool Succeeded => ExitCode == 0;

    public string Describe() =>
        StartError is not null ? "could not start: " + StartError
        : TimedOut ? "timed out and was killed"
        : $"exit {ExitCode}";

    /// <summary>The last non-empty output line (agents print their reason last), or "".</summary>
    public string LastLine => Output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "";
}

/// <summary>
/// Runs one executable with arguments, environment and a timeout, in a session and process group of its own
/// (through setsid), so a timeout kills the whole group — also grandchildren that left the process tree.
/// stdout and stderr are captured (bounded). The run ends when the program exits: a daemon it started that keeps
/// the output pipe open does not hold the action up. Never throws for a program that is missing or fails.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Output kept per run (the rest is dropped).</summary>
    public const int MaxOutputChars = 8 * 1024;

    /// <summary>How long output may still arrive after the program exited.</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(1);

    private const string Setsid = "/usr/bin/setsid";
    private const int SigKill = 9;

    public static async Task<ChildResult> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, TimeSpan timeout, string? stdin, CancellationToken cancel)
    {
        if (Locate(program) is not { } path) return new ChildResult(null, false, $"{program}: not found", "");
        program = path;
        var ownGroup = File.Exists(Setsid);
        var start = new ProcessStartInfo(ownGroup ? Setsid : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (ownGroup) start.ArgumentList.Add(program);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var output = new StringBuilder();
        var outputClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var openStreams = 2;
        void Collect(string? line)
        {
            if (line is null)
            {
                if (Interlocked.Decrement(ref openStreams) == 0) outputClosed.TrySetResult();
                return;
            }
            lock (output)
            {
                if (output.Length < MaxOutputChars) output.AppendLine(line);
            }
        }

        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        try
        {
            if (!process.Start()) return new ChildResult(null, false, "the process did not start", "");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return new ChildResult(null, false, $"{program}: {e.Message}", "");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child closed its stdin early: it does not read it.
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            await exited.Task.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process, ownGroup);
            return new ChildResult(null, TimedOut: true, null, Text(output));
        }
        await Task.WhenAny(outputClosed.Task, Task.Delay(OutputGrace, CancellationToken.None));
        return new ChildResult(process.ExitCode, false, null, Text(output));
    }

    /// <summary>The program's full path: as given when it has a directory part, else found on PATH; null if missing.</summary>
    public static string? Locate(string program)
    {
        if (program.Contains('/')) return File.Exists(program) ? Path.GetFullPath(program) : null;
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Kills the run's process group (everything it started that stayed in it), then its tree.</summary>
    private static void Kill(Process process, bool ownGroup)
    {
        try
        {
            if (ownGroup) _ = KillNative(-process.Id, SigKill);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(2000);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>Sends <paramref name="signal"/> to a process (pid &gt; 0) or a process group (-pgid).</summary>
    public static bool Signal(int pid, int signal) => KillNative(pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int KillNative(int pid, int signal);

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString().TrimEnd();
    }
}
