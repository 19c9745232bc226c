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

    /// <summary>Runs <c>ip ARGUMENTS</c>; never throws except for cancellation.</summary>
    public static async Task<IpResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
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
