using System.Diagnostics;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>Runs the real `vigil` CLI (dotnet vigil.dll …) and captures its output.</summary>
internal static class VigilCli
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(typeof(Vigil.Cli.Program).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        return Capture(start);
    }

    /// <summary>Runs the process to its end (60 s at most, then killed with exit code -1) and returns its exit code and stdout + stderr.</summary>
    public static (int ExitCode, string Output) Capture(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            p.WaitForExit();
            return (-1, $"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within 60 s");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
