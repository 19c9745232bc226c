namespace Vigil.Core.Configuration;

/// <summary>
/// Resolves the effective type facts (timeouts, monitor interval, restart action) of any resource, whether its
/// type is declared in resource_types, built in, or an OCF/systemd agent.
/// </summary>
public sealed class ResourceTypeCatalog
{
    /// <summary>Built-in types that need no resource_types entry.</summary>
    public static readonly IReadOnlyList<string> BuiltInTypes = ["ip_address", "process"];

    public static readonly TimeSpan DefaultMonitorInterval = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, ResourceTypeConfig> declared;

    public ResourceTypeCatalog(IEnumerable<ResourceTypeConfig> declaredTypes) =>
        declared = declaredTypes.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>True for a type a resource may name: declared, built in, "ocf:P:A" or "systemd:UNIT".</summary>
    public bool IsKnown(string type) =>
        declared.ContainsKey(type) || BuiltInTypes.Contains(type) || IsAgentType(type);

    public static bool IsAgentType(string type) =>
        (type.StartsWith("ocf:", StringComparison.Ordinal) && type.Split(':').Length == 3 && type.Split(':').All(p => p.Length > 0))
        || (type.StartsWith("systemd:", StringComparison.Ordinal) && type.Length > "systemd:".Length);

    /// <summary>The declared type, or a synthesized one with defaults for built-in and agent types.</summary>
    public ResourceTypeConfig Resolve(string type) =>
        declared.TryGetValue(type, out var t)
            ? t
            : new ResourceTypeConfig(type, new Dictionary<ResourceAction, string>(), ActionTimeouts.Default, DefaultMonitorInterval, []);
}
