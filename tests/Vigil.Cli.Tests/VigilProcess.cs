using System.Diagnostics;

namespace Vigil.Cli.Tests;

/// <summary>Runs the real built 'vigil' executable (vigil.dll next to the test assembly) and captures its output.</summary>
public static class VigilProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string[] StdErrLines => StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static string VigilDll => Path.Combine(AppContext.BaseDirectory, "vigil.dll");

    /// <summary>Runs 'dotnet vigil.dll ARGS' in <paramref name="workingDirectory"/> (default: the test directory).</summary>
    public static Result Run(string[] args, string? workingDirectory = null, int timeoutMs = 60_000)
    {
        var start = new ProcessStartInfo(DotNet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(VigilDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"vigil {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(params string[] args) => Run(args, null);

    /// <summary>The absolute path of a file in the repository (found by walking up from the test directory).</summary>
    public static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException(relative);
    }

    private static string DotNet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
