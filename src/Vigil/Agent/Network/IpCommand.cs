using System.ComponentModel;
using System.Diagnostics;

namespace Vigil.Cli.Agent.Network;

/// <summary>The outcome of one <c>ip</c> command.</summary>
/// <param name="Code">Exit code; -1 if it could not be started or timed out.</param>
/// <param name="Out">Standard output.</param>
/// <param name="Err">Standard error (or why it did not run).</param>
internal readonly record struct IpResult(int Code, string Out, string Err)
{
    public bool Ok => Code == 0;

    /// <summary>"ip ARGS: ERROR" for messages.</summary>
    public string Describe(IReadOnlyList<string> arguments) =>
        $"ip {string.Join(' ', arguments)}: {(Err.Length > 0 ? Err : $"exit code {Code}")}";
}

/// <summary>
/// Runs iproute2's <c>ip</c> with an argument list (no shell) and a time limit, capturing its output. The child is
/// forked by the calling thread, so it runs in that thread's network namespace.
/// </summary>
internal static class IpCommand
{
    /// <summary>How long one <c>ip</c> command may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs several commands in one <c>ip -force [OPTIONS] -batch -</c> process (one fork instead of one per
    /// command: what keeps an address move within milliseconds). Returns the result and the 1-based numbers of the
    /// lines that failed (ip reports "Command failed -:N" and goes on with the next line).
    /// </summary>
    public static async Task<(IpResult Result, IReadOnlySet<int> Failed)> RunBatchAsync(IReadOnlyList<string> options,
        IReadOnlyList<string> lines, CancellationToken cancel)
    {
        var result = await RunAsync(["-force", .. options, "-batch", "-"], cancel, string.Join('\n', lines) + "\n");
        var failed = new HashSet<int>();
        foreach (var line in result.Err.Split('\n'))
            if (line.StartsWith("Command failed -:", StringComparison.Ordinal)
                && int.TryParse(line.AsSpan("Command failed -:".Length), System.Globalization.CultureInfo.InvariantCulture, out var number))
                failed.Add(number);
        if (!result.Ok && failed.Count == 0) for (var i = 1; i <= lines.Count; i++) failed.Add(i); // did not run at all
        return (result, failed);
    }

    /// <summary>Runs <c>ip ARGUMENTS</c> (with <paramref name="input"/> on its stdin); never throws except for cancellation.</summary>
    public static async Task<IpResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancel, string? input = null)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception e)
        {
            return new IpResult(-1, "", $"cannot run ip: {e.Message}");
        }
        using (process)
        {
            if (input is not null)
            {
                try
                {
                    await process.StandardInput.WriteAsync(input);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // ip ended early: its exit code and stderr say why
                }
            }
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            limit.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                cancel.ThrowIfCancellationRequested();
                return new IpResult(-1, "", $"timed out after {Timeout.TotalSeconds:0} s");
            }
            return new IpResult(process.ExitCode, await output, (await error).Trim());
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // already exited
        }
    }
}
