using Vigil.Core.Configuration;

namespace Vigil.Simulation.Testing;

/// <summary>
/// Builds a <see cref="ClusterConfig"/> in C# for simulations and tests, without going through YAML. Every node
/// is fenced through one device "pdu" (port = node name); one network "ring0"; timing 100 ms × 5 by default.
/// Like the YAML parser, a cluster of exactly two nodes without a tiebreaker gets its first node as tiebreaker.
/// </summary>
public sealed class ConfigBuilder(string clusterName)
{
    public const string FenceDevice = "pdu";

    private readonly List<NodeConfig> nodes = [];
    private readonly List<CriticalDeviceConfig> criticalDevices = [];
    private readonly List<ResourceTypeConfig> types = [];
    private readonly List<ResourceConfig> resources = [];
    private readonly List<FailoverPolicyConfig> policies = [];
    private readonly List<ResourceGroupConfig> groups = [];
    private ClusterMode mode = ClusterMode.HighAvailability;
    private NoQuorumAction noQuorum = NoQuorumAction.Stop;
    private string? tiebreaker;
    private TimingConfig timing = TimingConfig.Default;

    public ConfigBuilder Mode(ClusterMode value) { mode = value; return this; }

    public ConfigBuilder NoQuorum(NoQuorumAction value) { noQuorum = value; return this; }

    public ConfigBuilder Tiebreaker(string node) { tiebreaker = node; return this; }

    public ConfigBuilder Timing(TimeSpan heartbeatInterval, int deadAfter) { timing = new(heartbeatInterval, deadAfter); return this; }

    public ConfigBuilder Servers(params string[] names)
    {
        foreach (var name in names) AddNode(name, NodeRole.Server);
        return this;
    }

    public ConfigBuilder Witness(string name) { AddNode(name, NodeRole.Witness); return this; }

    public ConfigBuilder CriticalDevice(string name)
    {
        criticalDevices.Add(new CriticalDeviceConfig(name, "/usr/lib/vigil/check-" + name, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        return this;
    }

    /// <summary>A declared resource type with the given stop/start timeouts and monitor interval.</summary>
    public ConfigBuilder ResourceType(string name, TimeSpan actionTimeout, TimeSpan monitorInterval, bool hasRestart = true)
    {
        var actions = new Dictionary<ResourceAction, string>
        {
            [ResourceAction.Exclusive] = $"/usr/lib/vigil/{name}/exclusive",
            [ResourceAction.Start] = $"/usr/lib/vigil/{name}/start",
            [ResourceAction.Stop] = $"/usr/lib/vigil/{name}/stop",
            [ResourceAction.Monitor] = $"/usr/lib/vigil/{name}/monitor",
        };
        if (hasRestart) actions[ResourceAction.Restart] = $"/usr/lib/vigil/{name}/restart";
        var t = actionTimeout;
        types.Add(new ResourceTypeConfig(name, actions, new ActionTimeouts(t, t, t, t, t), monitorInterval, []));
        return this;
    }

    public ConfigBuilder Policy(string name, IReadOnlyList<string> domain,
        FailoverScriptKind script = FailoverScriptKind.Ordered,
        FailbackMode failback = FailbackMode.Auto,
        RecoveryMode recovery = RecoveryMode.Auto)
    {
        var path = script == FailoverScriptKind.Custom ? "/usr/lib/vigil/scripts/" + name : null;
        policies.Add(new FailoverPolicyConfig(name, domain, script, path, failback, recovery));
        return this;
    }

    /// <summary>A group whose resources are (name, type) pairs; each depends on the one before it.</summary>
    public ConfigBuilder Group(string name, string policy, int localRestarts, params (string Name, string Type)[] members)
    {
        for (var i = 0; i < members.Length; i++)
        {
            IReadOnlyList<string> dependsOn = i == 0 ? [] : [members[i - 1].Name];
            resources.Add(new ResourceConfig(members[i].Name, members[i].Type, new Dictionary<string, string>(), dependsOn));
        }
        groups.Add(new ResourceGroupConfig(name, members.Select(m => m.Name).ToList(), policy, localRestarts));
        return this;
    }

    public ClusterConfig Build()
    {
        var fence = new FenceDeviceConfig(FenceDevice, "fence_apc", new Dictionary<string, string> { ["ip"] = "10.0.9.1" });
        return new ClusterConfig(
            new ClusterSettings(clusterName, 1, mode, null, tiebreaker ?? (nodes.Count == 2 ? nodes[0].Name : null), noQuorum, timing),
            [new NetworkConfig("ring0")],
            [.. nodes], [fence], [.. criticalDevices], [.. types], [.. resources], [.. policies], [.. groups], []);
    }

    private void AddNode(string name, NodeRole role)
    {
        var address = new Dictionary<string, string> { ["ring0"] = $"10.0.0.{nodes.Count + 1}:5405" };
        nodes.Add(new NodeConfig(name, address, null, new NodeFenceConfig(FenceDevice, name), role));
    }
}
