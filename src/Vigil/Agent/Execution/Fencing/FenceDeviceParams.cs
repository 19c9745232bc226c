using Vigil.Core.Configuration;

namespace Vigil.Cli.Agent.Execution.Fencing;

/// <summary>Which program kind a fence device's <c>agent</c> names.</summary>
internal enum FenceAgentKind
{
    Unknown,
    /// <summary><c>script</c>: the device's command with NODE ACTION as arguments.</summary>
    Script,
    /// <summary>A fence_* agent (fence-agents' stdin protocol), by name or by path.</summary>
    FenceAgent,
    /// <summary><c>process</c>: kills a local node's agent and its processes (clusters on one machine).</summary>
    Process,
}

/// <summary>
/// The params Vigil reads from a fence device itself — <c>action</c> (off|reboot), <c>timeout</c> (default 60s),
/// <c>host_map</c> (<c>n1:1;n2:2,3</c>), <c>verify</c> (confirm an off with action=status), <c>passwd_file</c> —
/// and the checks of a device's params, one line per problem.
/// </summary>
internal static class FenceDeviceParams
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static readonly IReadOnlyList<string> Actions = ["off", "reboot"];

    /// <summary>Params that are Vigil's, never sent to a fence agent's stdin (Vigil sends its own action, port and nodename).</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "action", "timeout", "host_map", "verify", "passwd_file", "password_file", "port", "plug", "nodename",
    };

    /// <summary>Secrets refused inline: they would sit in the configuration (replicated to every node) and risk the log.</summary>
    public static readonly IReadOnlyList<string> InlineSecrets = ["passwd", "password"];

    public static FenceAgentKind KindOf(string agent) =>
        agent == "script" ? FenceAgentKind.Script
        : agent == "process" ? FenceAgentKind.Process
        : Path.GetFileName(agent).StartsWith("fence_", StringComparison.Ordinal) && Path.GetFileName(agent).Length > "fence_".Length ? FenceAgentKind.FenceAgent
        : FenceAgentKind.Unknown;

    /// <summary>Pacemaker's stonith-action default (reboot) for fence agents; off for scripts and the process device.</summary>
    public static string Action(FenceDeviceConfig device) =>
        device.Params.TryGetValue("action", out var action) ? action.Trim()
        : KindOf(device.Agent) == FenceAgentKind.FenceAgent ? "reboot" : "off";

    public static TimeSpan Timeout(FenceDeviceConfig device) =>
        device.Params.TryGetValue("timeout", out var text) && DurationParser.TryParse(text, out var value, out _) && value > TimeSpan.Zero ? value : DefaultTimeout;

    public static bool Verify(FenceDeviceConfig device) =>
        device.Params.TryGetValue("verify", out var text) && IsTrue(text);

    /// <summary>The password file param (passwd_file, or password_file as docs/configuration.md spells it), or null.</summary>
    public static string? PasswordFile(FenceDeviceConfig device) =>
        device.Params.GetValueOrDefault("passwd_file") ?? device.Params.GetValueOrDefault("password_file");

    /// <summary>The node's port: its own fence port, else the device's host_map entry for it, else null.</summary>
    public static string? PortFor(FenceDeviceConfig device, string node, string? nodePort)
    {
        if (!string.IsNullOrEmpty(nodePort)) return nodePort;
        if (device.Params.TryGetValue("host_map", out var text) && TryParseHostMap(text, out var map, out _) && map.TryGetValue(node, out var port))
            return port;
        return null;
    }

    /// <summary>
    /// Parses a Pacemaker-style host map: entries <c>NODE:PORT</c> (or <c>NODE=PORT</c>) separated by ';' or
    /// spaces; a port may list several plugs with commas (<c>n2:2,3</c>), which fence agents accept as they are.
    /// </summary>
    public static bool TryParseHostMap(string text, out Dictionary<string, string> map, out string error)
    {
        map = new Dictionary<string, string>(StringComparer.Ordinal);
        error = "";
        foreach (var entry in text.Split([';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var split = entry.IndexOfAny([':', '=']);
            if (split <= 0 || split == entry.Length - 1)
            {
                error = $"host_map entry '{entry}': expected NODE:PORT (e.g. \"n1:1;n2:2\")";
                return false;
            }
            if (!map.TryAdd(entry[..split], entry[(split + 1)..]))
            {
                error = $"host_map names node {entry[..split]} twice";
                return false;
            }
        }
        if (map.Count > 0) return true;
        error = "host_map is empty; expected NODE:PORT entries separated by ';'";
        return false;
    }

    /// <summary>Every problem with the device, one line each naming it; empty when it can run. Never quotes a secret.</summary>
    public static IReadOnlyList<string> Check(FenceDeviceConfig device)
    {
        var problems = new List<string>();
        var prefix = $"fence device {device.Name}";
        var kind = KindOf(device.Agent);
        if (kind == FenceAgentKind.Unknown)
            problems.Add($"{prefix}: unknown agent '{device.Agent}' (use script, process, or a fence_* agent such as fence_ipmilan)");
        if (kind == FenceAgentKind.Script && string.IsNullOrWhiteSpace(device.Params.GetValueOrDefault("command")))
            problems.Add($"{prefix}: agent script needs a 'command' param (run as COMMAND NODE ACTION)");
        foreach (var secret in InlineSecrets.Where(device.Params.ContainsKey))
            problems.Add($"{prefix}: an inline '{secret}' is refused (it would be stored in the configuration on every node); put it in a file readable only by root and name it with passwd_file");
        if (device.Params.ContainsKey("passwd_file") && device.Params.ContainsKey("password_file"))
            problems.Add($"{prefix}: give passwd_file or password_file, not both");
        if (!Actions.Contains(Action(device)))
            problems.Add($"{prefix}: action '{Action(device)}' is not supported (use {string.Join(" or ", Actions)})");
        if (device.Params.TryGetValue("timeout", out var timeout))
        {
            if (!DurationParser.TryParse(timeout, out var value, out var error)) problems.Add($"{prefix}: timeout '{timeout}': {error}");
            else if (value <= TimeSpan.Zero) problems.Add($"{prefix}: timeout must be more than 0");
        }
        if (device.Params.TryGetValue("host_map", out var hostMap) && !TryParseHostMap(hostMap, out _, out var mapError))
            problems.Add($"{prefix}: {mapError}");
        if (device.Params.TryGetValue("verify", out var verify) && !IsTrue(verify) && !IsFalse(verify))
            problems.Add($"{prefix}: verify '{verify}': expected true or false");
        foreach (var (name, value) in device.Params)
        {
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                problems.Add($"{prefix}: param name '{name}' is not a fence agent option name");
            else if (value.Contains('\n') || value.Contains('\r'))
                problems.Add($"{prefix}: param '{name}' holds a line break (fence agents read one key=value per line)");
        }
        return problems;
    }

    private static bool IsTrue(string text) => text.Trim().ToLowerInvariant() is "true" or "yes" or "on" or "1";

    private static bool IsFalse(string text) => text.Trim().ToLowerInvariant() is "false" or "no" or "off" or "0";
}
