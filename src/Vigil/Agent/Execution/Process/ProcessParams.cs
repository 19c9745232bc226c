using Vigil.Core.Configuration;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// The params of a built-in <c>process</c> resource: <c>command</c> (required, a /bin/sh command line), <c>cwd</c>
/// (relative to the configuration's directory; default that directory), <c>health</c> (tcp:HOST:PORT or
/// http://HOST:PORT/PATH), <c>grace</c> (SIGTERM to SIGKILL on stop; default 10s, at most the stop timeout less
/// 1s) and <c>log</c> (the process's stdout and stderr; default &lt;data dir&gt;/process/&lt;resource&gt;.log).
/// </summary>
internal sealed record ProcessParams(string Command, string? Cwd, HealthCheck? Health, TimeSpan Grace, string? Log)
{
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(10);

    public static readonly IReadOnlyList<string> Known = ["command", "cwd", "health", "grace", "log"];

    /// <summary>Every problem with the params, one line each, naming the resource; empty when they are fine.</summary>
    public static IReadOnlyList<string> Check(string resource, IReadOnlyDictionary<string, string> values)
    {
        var problems = new List<string>();
        foreach (var name in values.Keys.Where(k => !Known.Contains(k)).Order(StringComparer.Ordinal))
            problems.Add($"resource {resource}: unknown param '{name}' for type process (known: {string.Join(", ", Known)})");
        if (!values.TryGetValue("command", out var command) || string.IsNullOrWhiteSpace(command))
            problems.Add($"resource {resource}: type process needs a 'command' param (a command line, run with /bin/sh -c)");
        if (values.TryGetValue("health", out var health) && !HealthCheck.TryParse(health, out _, out var healthError))
            problems.Add($"resource {resource}: {healthError}");
        if (values.TryGetValue("grace", out var grace) && !DurationParser.TryParse(grace, out _, out var graceError))
            problems.Add($"resource {resource}: grace '{grace}': {graceError}");
        foreach (var name in (string[])["cwd", "log"])
            if (values.TryGetValue(name, out var path) && string.IsNullOrWhiteSpace(path))
                problems.Add($"resource {resource}: '{name}' is empty");
        return problems;
    }

    /// <summary>The params, or null with the first problem in <paramref name="error"/>.</summary>
    public static ProcessParams? Parse(string resource, IReadOnlyDictionary<string, string> values, out string error)
    {
        var problems = Check(resource, values);
        if (problems.Count > 0)
        {
            error = problems[0];
            return null;
        }
        error = "";
        HealthCheck? health = null;
        if (values.TryGetValue("health", out var healthText)) HealthCheck.TryParse(healthText, out health, out _);
        var grace = values.TryGetValue("grace", out var graceText) ? DurationParser.Parse(graceText) : DefaultGrace;
        return new ProcessParams(values["command"], values.GetValueOrDefault("cwd"), health, grace, values.GetValueOrDefault("log"));
    }
}
