using Vigil.Core.Configuration.Yaml;

namespace Vigil.Core.Configuration;

/// <summary>
/// The semantic checks that need the whole model: unique names, references, group membership, dependency
/// cycles, failover domains, interface backups and ip_address placement. Every problem is reported at the
/// offending entry; references left empty by a parse problem are not reported again.
/// </summary>
internal sealed partial class ConfigValidator
{
    private readonly ClusterConfig config;
    private readonly SourceMap where;
    private readonly ProblemList problems;
    private readonly ResourceTypeCatalog catalog;
    private readonly Dictionary<string, NodeConfig> nodes;
    private readonly Dictionary<string, ResourceConfig> resources;
    private readonly Dictionary<string, FailoverPolicyConfig> policies;
    private readonly Dictionary<string, ResourceTypeConfig> types;

    private ConfigValidator(ClusterConfig config, SourceMap where, ProblemList problems)
    {
        (this.config, this.where, this.problems) = (config, where, problems);
        catalog = new ResourceTypeCatalog(FirstByName(config.ResourceTypes, t => t.Name).Values);
        nodes = FirstByName(config.Nodes, n => n.Name);
        resources = FirstByName(config.Resources, r => r.Name);
        policies = FirstByName(config.FailoverPolicies, p => p.Name);
        types = FirstByName(config.ResourceTypes, t => t.Name);
    }

    public static void Validate(ClusterConfig config, SourceMap where, ProblemList problems) =>
        new ConfigValidator(config, where, problems).Run();

    private void Run()
    {
        CheckUniqueNames();
        CheckCluster();
        CheckNodes();
        CheckResourceTypes();
        CheckResources();
        CheckDependencyCycles();
        CheckPolicies();
        CheckGroups();
        CheckInterfaceGroups();
        CheckIpAddresses();
        CheckNotify();
    }

    private void CheckNotify()
    {
        foreach (var hook in config.Notify)
            for (var i = 0; i < hook.Events.Count; i++)
                CheckKnown(hook.Events[i], NotifyConfig.Kinds, "event", "in notify.events", m => Report(hook, "events", i, m));
    }

    private void Report(object owner, string member, string message) => problems.Add(where.Of(owner, member), message);

    private void Report(object owner, string member, int index, string message) =>
        problems.Add(where.Of(owner, member, index), message);

    /// <summary>False (after reporting "unknown WHAT 'x' CONTEXT; did you mean...") if the name is not known.</summary>
    private bool CheckKnown(string name, IEnumerable<string> known, string what, string context, Action<string> report)
    {
        var knownList = known.ToList();
        // An empty name, or an empty required section (nodes, networks), was already reported while parsing.
        if (name.Length == 0 || (knownList.Count == 0 && what is "node" or "network")) return false;
        if (knownList.Contains(name)) return true;
        report($"unknown {what} '{name}' {context}{DidYouMean.Hint(name, knownList)}");
        return false;
    }

    private static Dictionary<string, T> FirstByName<T>(IEnumerable<T> items, Func<T, string> name)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items) result.TryAdd(name(item), item);
        return result;
    }

    private int LineOf(object owner, string member = "") => (int)where.Of(owner, member).Line;
}
