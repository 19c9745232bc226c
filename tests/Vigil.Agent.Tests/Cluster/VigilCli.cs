using System.Diagnostics;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>Runs the real `vigil` CLI (dotnet vigil.dll …) and captures its output.</summary>
internal static class VigilCli
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Vigil.Cli.Program).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) p.Kill(true);
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
