using System.Collections.Immutable;
using System.Diagnostics;
using Vigil.Core.Configuration;
using Vigil.Core.Coordination;
using Vigil.Simulation;

namespace Vigil.Cli.Simulate;

/// <summary>
/// Runs a policy's custom failover script for real (FailSafe's failover script): the executable at the policy's
/// path (relative to the configuration file's directory), with the run-time domain as arguments and the
/// environment VIGIL_GROUP, VIGIL_MEMBERSHIP and VIGIL_RUNTIME_DOMAIN (names space-separated). Its standard
/// output — node names separated by spaces or newlines — is the new run-time domain. A non-zero exit, a
/// timeout (the script is killed) or a script that cannot be started gives an error text instead.
/// </summary>
public sealed class ProcessFailoverScriptRunner(string configDirectory, TimeSpan? timeout = null) : IFailoverScriptRunner
{
    /// <summary>The runner for a configuration: real processes when a policy names a script, else none.</summary>
    public static ProcessFailoverScriptRunner? For(ClusterConfig config, string configPath) =>
        config.FailoverPolicies.Any(p => p.Script == FailoverScriptKind.Custom)
            ? new ProcessFailoverScriptRunner(Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? ".")
            : null;

    /// <summary>How long a script may run before it is killed.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly TimeSpan limit = timeout ?? DefaultTimeout;

    public (ImmutableArray<string>? Domain, string? Error) Run(RunFailoverScript script)
    {
        var path = Path.IsPathRooted(script.ScriptPath) ? script.ScriptPath : Path.GetFullPath(Path.Combine(configDirectory, script.ScriptPath));
        if (!File.Exists(path)) return (null, $"failover script {path} does not exist");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = configDirectory,
        };
        foreach (var node in script.RuntimeDomain) start.ArgumentList.Add(node);
        start.Environment["VIGIL_GROUP"] = script.Group;
        start.Environment["VIGIL_MEMBERSHIP"] = string.Join(' ', script.Membership);
        start.Environment["VIGIL_RUNTIME_DOMAIN"] = string.Join(' ', script.RuntimeDomain);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return (null, $"failover script {path} could not be started");
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return (null, $"failover script {path} timed out after {limit.TotalSeconds:0.#} s and was killed");
            }

            process.WaitForExit(); // drain the output readers
            if (process.ExitCode != 0)
            {
                var why = FirstLine(stderr.Result);
                return (null, $"failover script {path} exited with status {process.ExitCode}{(why.Length > 0 ? ": " + why : "")}");
            }

            var names = stdout.Result.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return ([.. names], null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return (null, $"failover script {path} could not be run: {e.Message}");
        }
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}
