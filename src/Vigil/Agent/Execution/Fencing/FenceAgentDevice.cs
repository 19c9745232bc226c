using System.Text;

namespace Vigil.Cli.Agent.Execution.Fencing;

/// <summary>
/// A fence-agents program (fence_ipmilan, fence_apc…; by name on PATH, /usr/sbin or /sbin, or by path) run the
/// way Pacemaker runs it: no command-line arguments, <c>key=value</c> lines on stdin — the device's params except
/// Vigil's own, then <c>action</c>, <c>port</c> and <c>nodename</c>, and <c>passwd</c> read from passwd_file.
/// Nothing of stdin reaches a command line, the environment or the log. Exit 0 is success, anything else or a
/// timeout a failure. With <c>verify: true</c> an off is confirmed by <c>action=status</c> (exit 2 = off).
/// </summary>
internal sealed class FenceAgentDevice : IFenceDevice
{
    /// <summary>fence-agents' status exit code for "off".</summary>
    private const int StatusOff = 2;

    /// <summary>The most of the agent's last output line quoted in the detail.</summary>
    private const int MaxQuotedChars = 300;

    private static readonly string[] SystemDirectories = ["/usr/sbin", "/sbin"];

    public async Task<FenceOutcome> RunAsync(FenceRequest request, CancellationToken cancel)
    {
        var device = request.Device;
        var prefix = $"{Path.GetFileName(device.Agent)} {request.Action} {request.Node}";
        if (Locate(device.Agent, request.Settings) is not { } program)
            return new FenceOutcome(false, $"{prefix}: agent {device.Agent} not found (looked on PATH, /usr/sbin and /sbin)");
        string? password = null;
        if (FenceDeviceParams.PasswordFile(device) is { } passwordFile)
        {
            var path = request.Settings.Resolve(passwordFile);
            try
            {
                password = File.ReadAllText(path).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new FenceOutcome(false, $"{prefix}: cannot read passwd_file {path}: {e.Message}");
            }
        }
        var run = await RunAgentAsync(program, request, request.Action, password, cancel);
        var outcome = Interpret(prefix, run, request.Timeout, password, cancel);
        if (!outcome.Success || request.Action != "off" || !FenceDeviceParams.Verify(device)) return outcome;
        var status = await RunAgentAsync(program, request, "status", password, cancel);
        if (!status.TimedOut && status.ExitCode == StatusOff) return outcome with { Detail = outcome.Detail + "; status confirms off" };
        var statusOutcome = Interpret("status", status, request.Timeout, password, cancel);
        return new FenceOutcome(false, $"{outcome.Detail}; but status does not confirm off ({statusOutcome.Detail})");
    }

    /// <summary>The agent's stdin: one key=value per line. Vigil's own keys come last, as the last duplicate wins.</summary>
    public static string Stdin(FenceRequest request, string action, string? password)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in request.Device.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (!FenceDeviceParams.Reserved.Contains(name) && !FenceDeviceParams.InlineSecrets.Contains(name))
                text.Append(name).Append('=').Append(value).Append('\n');
        text.Append("action=").Append(action).Append('\n');
        text.Append("port=").Append(request.Port ?? request.Node).Append('\n');
        text.Append("nodename=").Append(request.Node).Append('\n');
        if (password is not null) text.Append("passwd=").Append(password).Append('\n');
        return text.ToString();
    }

    private static Task<ChildResult> RunAgentAsync(string program, FenceRequest request, string action, string? password, CancellationToken cancel) =>
        ChildProcess.RunAsync(program, [], new Dictionary<string, string>(), request.Settings.ConfigDirectory, request.Timeout,
            Stdin(request, action, password), cancel);

    private static FenceOutcome Interpret(string prefix, ChildResult run, TimeSpan timeout, string? password, CancellationToken cancel)
    {
        if (run.StartError is not null) return new FenceOutcome(false, $"{prefix}: {run.Describe()}");
        if (run.TimedOut)
            return new FenceOutcome(false, cancel.IsCancellationRequested
                ? $"{prefix}: cancelled (the agent is stopping) and killed"
                : $"{prefix}: timed out after {Core.Text.Duration(timeout)} and was killed");
        var line = Scrub(SummaryLine(run.Output), password);
        var detail = $"{prefix}: exit {run.ExitCode}" + (line.Length > 0 ? ": " + line : "");
        return new FenceOutcome(run.Succeeded, detail);
    }

    /// <summary>The agent's last output line that says something: fencing.py's "Parse error: Ignoring unknown option" warnings come last on stderr.</summary>
    public static string SummaryLine(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var line = lines.LastOrDefault(l => !l.StartsWith("WARNING:", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? "";
        return line.Length <= MaxQuotedChars ? line : line[..MaxQuotedChars] + "…";
    }

    /// <summary>An agent that echoes its password (a debug mode) must not put it in the log.</summary>
    private static string Scrub(string text, string? password) =>
        string.IsNullOrEmpty(password) ? text : text.Replace(password, "***", StringComparison.Ordinal);

    /// <summary>A path (relative to the configuration's directory), or a name on PATH, /usr/sbin or /sbin (fence-agents' home, often not on a service's PATH).</summary>
    private static string? Locate(string agent, AgentSettings settings)
    {
        if (agent.Contains('/')) return File.Exists(settings.Resolve(agent)) ? settings.Resolve(agent) : null;
        return ChildProcess.Locate(agent)
            ?? SystemDirectories.Select(d => Path.Combine(d, agent)).FirstOrDefault(File.Exists);
    }
}
