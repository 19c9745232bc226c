using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Decisions;

namespace Vigil.Core.Tests.Engine;

/// <summary>
/// Builds <see cref="ClusterConfig"/> objects directly (no YAML): <c>Config.Nodes("n1","n2","n3").Group("web", domain: ["n1","n2"], failback: Auto).Build()</c>.
/// Every server gets the fence device "pdu" (port = its position) unless <see cref="ConfigBuilder.NoFence"/> says otherwise.
/// </summary>
internal static class Config
{
    public static ConfigBuilder Nodes(params string[] names) => new(names);
}

internal sealed class ConfigBuilder
{
    private readonly List<string> nodes;
    private readonly HashSet<string> witnesses = new(StringComparer.Ordinal);
    private readonly HashSet<string> unfenced = new(StringComparer.Ordinal);
    private readonly List<ResourceTypeConfig> types = [];
    private readonly List<ResourceConfig> resources = [];
    private readonly List<FailoverPolicyConfig> policies = [];
    private readonly List<ResourceGroupConfig> groups = [];
    private string? tiebreaker;
    private ClusterMode mode = ClusterMode.HighAvailability;
    private NoQuorumAction noQuorum = NoQuorumAction.Stop;

    public ConfigBuilder(IEnumerable<string> names) => nodes = [.. names];

    public ConfigBuilder Witness(string name)
    {
        if (!nodes.Contains(name))
            nodes.Add(name);
        witnesses.Add(name);
        return this;
    }

    public ConfigBuilder NoFence(params string[] names)
    {
        unfenced.UnionWith(names);
        return this;
    }

    public ConfigBuilder Tiebreaker(string node)
    {
        tiebreaker = node;
        return this;
    }

    public ConfigBuilder LoadSharing()
    {
        mode = ClusterMode.LoadSharing;
        return this;
    }

    public ConfigBuilder OnNoQuorum(NoQuorumAction action)
    {
        noQuorum = action;
        return this;
    }

    /// <summary>A resource type with the usual actions; <paramref name="restart"/> adds a restart action.</summary>
    public ConfigBuilder Type(string name, TimeSpan monitor, bool restart = false)
    {
        var actions = new Dictionary<ResourceAction, string>
        {
            [ResourceAction.Start] = $"/opt/{name}/start",
            [ResourceAction.Stop] = $"/opt/{name}/stop",
            [ResourceAction.Monitor] = $"/opt/{name}/monitor",
        };
        if (restart)
            actions[ResourceAction.Restart] = $"/opt/{name}/restart";
        types.Add(new ResourceTypeConfig(name, actions, ActionTimeouts.Default, monitor, []));
        return this;
    }

    public ConfigBuilder Resource(string name, string type = "process", string[]? dependsOn = null)
    {
        resources.Add(new ResourceConfig(name, type, new Dictionary<string, string>(), dependsOn ?? []));
        return this;
    }

    /// <summary>A group with its own policy "NAME-policy"; without <paramref name="resources"/> it holds one process "NAME-res".</summary>
    public ConfigBuilder Group(
        string name,
        string[] domain,
        FailbackMode failback = FailbackMode.Controlled,
        FailoverScriptKind script = FailoverScriptKind.Ordered,
        RecoveryMode recovery = RecoveryMode.Auto,
        string[]? resources = null,
        int localRestarts = 0,
        string? scriptPath = null)
    {
        if (resources is null)
        {
            Resource($"{name}-res");
            resources = [$"{name}-res"];
        }
        var path = scriptPath ?? (script == FailoverScriptKind.Custom ? $"/etc/vigil/{name}-failover" : null);
        policies.Add(new FailoverPolicyConfig($"{name}-policy", domain, script, path, failback, recovery));
        groups.Add(new ResourceGroupConfig(name, resources, $"{name}-policy", localRestarts));
        return this;
    }

    public ClusterConfig Build()
    {
        var nodeConfigs = nodes.Select((n, i) => new NodeConfig(
            n,
            new Dictionary<string, string> { ["net"] = $"10.0.0.{i + 1}:7000" },
            null,
            witnesses.Contains(n) || unfenced.Contains(n) ? null : new NodeFenceConfig("pdu", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            witnesses.Contains(n) ? NodeRole.Witness : NodeRole.Server)).ToList();
        return new ClusterConfig(
            new ClusterSettings("test", 1, mode, null, tiebreaker, noQuorum, TimingConfig.Default),
            [new NetworkConfig("net")],
            nodeConfigs,
            [new FenceDeviceConfig("pdu", "fence_apc", new Dictionary<string, string>())],
            [new CriticalDeviceConfig("disk", "/opt/check-disk", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2))],
            types,
            resources,
            policies,
            groups,
            []);
    }
}

/// <summary>Small helpers for building states and reading decision lists.</summary>
internal static class EngineExtensions
{
    public static ClusterState WithGroup(this ClusterState state, string group, Func<GroupRecord, GroupRecord> change) =>
        state with { Groups = state.Groups.SetItem(group, change(state.Groups[group])) };

    public static ClusterState WithNode(this ClusterState state, string node, Func<NodeRecord, NodeRecord> change) =>
        state with { Nodes = state.Nodes.SetItem(node, change(state.Nodes[node])) };

    /// <summary>Short text per decision, e.g. "GroupAssigned web n2", to compare whole stories at once.</summary>
    public static string Short(Decision d) => d switch
    {
        NodeJoined x => $"NodeJoined {x.Node}",
        NodeFailed x => $"NodeFailed {x.Node}",
        FenceRequested x => $"FenceRequested {x.Node} #{x.Attempt}",
        NodeFenced x => $"NodeFenced {x.Node}",
        FenceFailed x => $"FenceFailed {x.Node} #{x.Attempt}",
        GroupAssigned x => $"GroupAssigned {x.Group} {x.Node}",
        GroupReleased x => $"GroupReleased {x.Group} {x.Node}",
        GroupStopped x => $"GroupStopped {x.Group} {x.Node}",
        GroupFailed x => $"GroupFailed {x.Group} {x.Node}",
        RuntimeDomainChanged x => $"RuntimeDomainChanged {x.Group} [{string.Join(",", x.Domain)}]",
        GroupMoveRequested x => $"GroupMoveRequested {x.Group} {x.Node}",
        FailbackRequested x => $"FailbackRequested {x.Group}",
        NodeAdminChanged x => $"NodeAdminChanged {x.Node} {x.State}",
        FailuresCleared x => $"FailuresCleared {x.Group} {x.Node ?? "*"}",
        ClusterFormed => "ClusterFormed",
        _ => d.GetType().Name,
    };

    public static string[] Short(this IEnumerable<Decision> decisions) => [.. decisions.Select(Short)];
}
