using System.Diagnostics;
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
}

/// <summary>
/// Runs one executable with arguments, environment and a timeout; captures stdout and stderr (bounded); on
/// timeout kills it and everything it started. Never throws for a program that is missing or fails.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Output kept per run (the rest is dropped with a note).</summary>
    public const int MaxOutputChars = 8 * 1024;

    public static async Task<ChildResult> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, TimeSpan timeout, string? stdin, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var output = new StringBuilder();
        void Collect(string? line)
        {
            if (line is null) return;
            lock (output)
            {
                if (output.Length < MaxOutputChars) output.AppendLine(line);
            }
        }

        using var process = new Process { StartInfo = start };
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
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            return new ChildResult(null, TimedOut: true, null, Text(output));
        }
        process.WaitForExit(); // drains the output readers
        return new ChildResult(process.ExitCode, false, null, Text(output));
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(2000);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString().TrimEnd();
    }
}
