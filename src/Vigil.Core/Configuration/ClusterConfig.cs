namespace Vigil.Core.Configuration;

/// <summary>
/// The whole, validated cluster configuration: one YAML file per cluster (see docs/configuration.md).
/// Immutable; built only by <see cref="ConfigLoader"/> after validation found no problem.
/// Lists keep the file's order, which is meaningful (networks by priority, domains by rank).
/// </summary>
public sealed record ClusterConfig(
    ClusterSettings Cluster,
    IReadOnlyList<NetworkConfig> Networks,
    IReadOnlyList<NodeConfig> Nodes,
    IReadOnlyList<FenceDeviceConfig> FenceDevices,
    IReadOnlyList<CriticalDeviceConfig> CriticalDevices,
    IReadOnlyList<ResourceTypeConfig> ResourceTypes,
    IReadOnlyList<ResourceConfig> Resources,
    IReadOnlyList<FailoverPolicyConfig> FailoverPolicies,
    IReadOnlyList<ResourceGroupConfig> ResourceGroups,
    IReadOnlyList<InterfaceGroupConfig> InterfaceGroups)
{
    /// <summary>Notify hooks: commands run on cluster events (keepalived notify scripts, Pacemaker alerts).</summary>
    public IReadOnlyList<NotifyConfig> Notify { get; init; } = [];

    private Dictionary<string, NodeConfig>? nodesByName;
    private Dictionary<string, ResourceConfig>? resourcesByName;
    private Dictionary<string, ResourceGroupConfig>? groupsByName;
    private Dictionary<string, FailoverPolicyConfig>? policiesByName;

    public NodeConfig Node(string name) =>
        (nodesByName ??= Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal))[name];

    public bool HasNode(string name) =>
        (nodesByName ??= Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal)).ContainsKey(name);

    public ResourceConfig Resource(string name) =>
        (resourcesByName ??= Resources.ToDictionary(r => r.Name, StringComparer.Ordinal))[name];

    public ResourceGroupConfig Group(string name) =>
        (groupsByName ??= ResourceGroups.ToDictionary(g => g.Name, StringComparer.Ordinal))[name];

    public bool HasGroup(string name) =>
        (groupsByName ??= ResourceGroups.ToDictionary(g => g.Name, StringComparer.Ordinal)).ContainsKey(name);

    public FailoverPolicyConfig PolicyOf(ResourceGroupConfig group) =>
        (policiesByName ??= FailoverPolicies.ToDictionary(p => p.Name, StringComparer.Ordinal))[group.Policy];

    /// <summary>Nodes that vote in quorum: every node (servers and witnesses).</summary>
    public IEnumerable<NodeConfig> Voters => Nodes;

    /// <summary>Nodes that may host resource groups (witnesses only vote).</summary>
    public IEnumerable<NodeConfig> Servers => Nodes.Where(n => n.Role == NodeRole.Server);
}

public enum ClusterMode { HighAvailability, LoadSharing }

/// <summary>What a partition without quorum does with the groups it runs (FailSafe).</summary>
public enum NoQuorumAction
{
    /// <summary>Stop every group within its stop timeout (the safe default).</summary>
    Stop,
    /// <summary>Leave running groups alone but start nothing.</summary>
    Freeze,
}

public sealed record ClusterSettings(
    string Name,
    int Id,
    ClusterMode Mode,
    string? KeyFile,
    string? Tiebreaker,
    NoQuorumAction NoQuorum,
    TimingConfig Timing);

/// <summary>Heartbeat timing. A node is failed after <see cref="DeadAfter"/> missed heartbeats.</summary>
public sealed record TimingConfig(TimeSpan HeartbeatInterval, int DeadAfter)
{
    public static readonly TimingConfig Default = new(TimeSpan.FromMilliseconds(100), 5);

    /// <summary>Silence on every network for this long means the node failed.</summary>
    public TimeSpan DeadTime => HeartbeatInterval * DeadAfter;
}

/// <summary>A heartbeat/control network; the config lists them highest priority first.</summary>
public sealed record NetworkConfig(string Name);

public enum NodeRole
{
    /// <summary>Votes and hosts resource groups.</summary>
    Server,
    /// <summary>Votes in quorum, hosts nothing (a small third machine for two-server clusters).</summary>
    Witness,
}

/// <param name="Addresses">network name -> "host:port" of this node on that network.</param>
/// <param name="Api">Loopback "host:port" of the node's admin API, if set.</param>
public sealed record NodeConfig(
    string Name,
    IReadOnlyDictionary<string, string> Addresses,
    string? Api,
    NodeFenceConfig? Fence,
    NodeRole Role);

/// <summary>How this node is fenced: which device, and the device's port/plug for it.</summary>
public sealed record NodeFenceConfig(string Device, string? Port);

/// <param name="Agent">A fence agent program (fence_apc…), "script", or "process".</param>
public sealed record FenceDeviceConfig(string Name, string Agent, IReadOnlyDictionary<string, string> Params);

/// <summary>A per-node health check (ClusterXL critical device); failing makes the node ineligible.</summary>
public sealed record CriticalDeviceConfig(string Name, string Check, TimeSpan Interval, TimeSpan Timeout);

/// <summary>The FailSafe action scripts of a resource type.</summary>
public enum ResourceAction { Exclusive, Start, Stop, Monitor, Restart }

/// <summary>Per-action timeouts. Defaults follow Pacemaker's operation default of 20 s.</summary>
public sealed record ActionTimeouts(TimeSpan Exclusive, TimeSpan Start, TimeSpan Stop, TimeSpan Monitor, TimeSpan Restart)
{
    public static readonly ActionTimeouts Default = new(
        TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20),
        TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20));

    public TimeSpan For(ResourceAction action) => action switch
    {
        ResourceAction.Exclusive => Exclusive,
        ResourceAction.Start => Start,
        ResourceAction.Stop => Stop,
        ResourceAction.Monitor => Monitor,
        ResourceAction.Restart => Restart,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}

/// <param name="Actions">Action -> executable path. Missing restart means stop + start.</param>
/// <param name="RequiresTypes">A group holding a resource of this type must also hold one of each of these types.</param>
public sealed record ResourceTypeConfig(
    string Name,
    IReadOnlyDictionary<ResourceAction, string> Actions,
    ActionTimeouts Timeouts,
    TimeSpan MonitorInterval,
    IReadOnlyList<string> RequiresTypes);

/// <param name="Type">A resource_types name, a built-in ("ip_address", "process"), "ocf:PROVIDER:AGENT" or "systemd:UNIT".</param>
/// <param name="DependsOn">Resources of the same group that must run before this one starts.</param>
public sealed record ResourceConfig(
    string Name,
    string Type,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyList<string> DependsOn);

/// <summary>The failover script of a policy (FailSafe).</summary>
public enum FailoverScriptKind
{
    /// <summary>Never changes the initial failover domain.</summary>
    Ordered,
    /// <summary>Rotates the owner through the domain on every failover.</summary>
    RoundRobin,
    /// <summary>An executable that receives the run-time domain and membership and returns a new run-time domain.</summary>
    Custom,
}

public enum FailbackMode
{
    /// <summary>When a better-ranked node rejoins, the group moves back (ClusterXL "switch to higher priority").</summary>
    Auto,
    /// <summary>The group stays where it is until an operator moves it (ClusterXL "maintain current active", CIP).</summary>
    Controlled,
}

public enum RecoveryMode
{
    /// <summary>On cluster formation, start on the first available node of the domain.</summary>
    Auto,
    /// <summary>On cluster formation, start only on the node where the group last ran.</summary>
    InPlace,
}

/// <param name="Domain">The initial failover domain: ordered node names, best first.</param>
/// <param name="ScriptPath">The custom failover script's path when <paramref name="Script"/> is Custom.</param>
public sealed record FailoverPolicyConfig(
    string Name,
    IReadOnlyList<string> Domain,
    FailoverScriptKind Script,
    string? ScriptPath,
    FailbackMode Failback,
    RecoveryMode Recovery);

/// <param name="Resources">Member resources; the group is the unit of failover.</param>
/// <param name="LocalRestarts">Restarts in place after a monitor failure before the group fails over.</param>
public sealed record ResourceGroupConfig(string Name, IReadOnlyList<string> Resources, string Policy, int LocalRestarts);

/// <summary>IPMP-style group of interfaces on one node (interface issue).</summary>
public sealed record InterfaceGroupConfig(
    string Name,
    string Node,
    IReadOnlyList<InterfaceConfig> Interfaces,
    DetectionConfig Detection,
    InterfaceFailback Failback);

/// <param name="Backup">The failover interface (CIP); pairs must be mutual.</param>
public sealed record InterfaceConfig(string Name, string? TestAddress, string? Backup);

/// <param name="Targets">Probe targets; empty means discover automatically.</param>
public sealed record DetectionConfig(bool Link, bool Probes, TimeSpan FailureDetectionTime, IReadOnlyList<string> Targets)
{
    public static readonly TimeSpan DefaultFailureDetectionTime = TimeSpan.FromSeconds(10);
}

public enum InterfaceFailback
{
    /// <summary>IPMP: addresses return when the home interface is repaired.</summary>
    Auto,
    /// <summary>CIP: addresses stay visiting until 'vigil ip switch'.</summary>
    Manual,
    /// <summary>LifeKeeper: the backup becomes the new primary.</summary>
    Stay,
}

/// <param name="Command">The executable (relative to the configuration's directory), run with the event's facts in its environment.</param>
/// <param name="Events">Event kinds it wants; empty means all (see <see cref="NotifyConfig.Kinds"/>).</param>
public sealed record NotifyConfig(string Command, TimeSpan Timeout, IReadOnlyList<string> Events)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Every event kind a hook may ask for: committed decisions, and what a node sees itself.</summary>
    public static readonly IReadOnlyList<string> Kinds =
    [
        "node_joined", "node_failed", "fence_requested", "node_fenced", "fence_failed", "group_assigned", "group_released",
        "group_stopped", "group_failed", "runtime_domain_changed", "group_move_requested", "failback_requested",
        "node_admin_changed", "failures_cleared", "cluster_formed",
        "local_group_running", "local_group_stopped", "local_group_failed", "action_failed", "quorum_lost", "quorum_regained",
        .. Interfaces.InterfaceEventKinds.All,
    ];
}
