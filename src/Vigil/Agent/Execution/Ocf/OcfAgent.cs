namespace Vigil.Cli.Agent.Execution.Ocf;

/// <summary>
/// An OCF resource agent named by a resource type "ocf:PROVIDER:AGENT", and where its executable lives:
/// <c>$OCF_ROOT/resource.d/PROVIDER/AGENT</c>.
/// </summary>
internal sealed record OcfAgent(string Provider, string Name, string OcfRoot)
{
    /// <summary>Where resource-agents installs (Debian, RHEL, SUSE alike).</summary>
    public const string StandardRoot = "/usr/lib/ocf";

    /// <summary>Overrides <see cref="StandardRoot"/> in the agent's environment (tests, unusual installs).</summary>
    public const string RootVariable = "VIGIL_OCF_ROOT";

    /// <summary>VIGIL_OCF_ROOT if set and not empty, else /usr/lib/ocf.</summary>
    public static string DefaultRoot =>
        Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root ? root : StandardRoot;

    /// <summary>"ocf:heartbeat:IPaddr2".</summary>
    public string Type => $"ocf:{Provider}:{Name}";

    public string ExecutablePath => Path.Combine(OcfRoot, "resource.d", Provider, Name);

    public bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>"OCF agent ocf:heartbeat:Foo not installed (no /usr/lib/ocf/resource.d/heartbeat/Foo)".</summary>
    public string NotInstalled => $"OCF agent {Type} not installed (no {ExecutablePath})";

    /// <summary>
    /// Parses "ocf:PROVIDER:AGENT"; null when the type is not that shape or a part could leave the agents
    /// directory (a '/' or a dot-only name).
    /// </summary>
    public static OcfAgent? Parse(string type, string ocfRoot)
    {
        var parts = type.Split(':');
        if (parts.Length != 3 || parts[0] != "ocf") return null;
        return IsSafePart(parts[1]) && IsSafePart(parts[2]) ? new OcfAgent(parts[1], parts[2], ocfRoot) : null;
    }

    private static bool IsSafePart(string part) => part.Length > 0 && !part.Contains('/') && part != "." && part != "..";
}
