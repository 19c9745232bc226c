using Vigil.Core.Configuration;

namespace Vigil.Simulation.Testing;

/// <summary>
/// Built-in cluster configurations the random runs and scenario tests use (and `vigil simulate --random`).
/// All use 100 ms heartbeats, dead after 5, and resource type "svc" (2 s timeouts, 1 s monitor interval) so a
/// run of ~30 s of faults exercises many monitor, start and stop cycles.
/// </summary>
public static class TestConfigs
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Three servers, HA, ordered failover domain, automatic failback, no_quorum: stop.</summary>
    public static ClusterConfig ThreeNodesOrderedFailback() =>
        Base("ha3", "n1", "n2", "n3")
            .CriticalDevice("uplink")
            .Policy("web-policy", ["n1", "n2", "n3"], failback: FailbackMode.Auto)
            .Policy("db-policy", ["n2", "n3", "n1"], failback: FailbackMode.Auto)
            .Group("web", "web-policy", 1, ("web-ip", "svc"), ("web-app", "svc"))
            .Group("db", "db-policy", 0, ("db-disk", "svc"), ("db-server", "svc"))
            .Build();

    /// <summary>Four servers with n1 as tiebreaker: a 2-2 split leaves the side with n1 able to fence.</summary>
    public static ClusterConfig FourNodesTiebreaker() =>
        Base("tb4", "n1", "n2", "n3", "n4")
            .Tiebreaker("n1")
            .Policy("web-policy", ["n1", "n2", "n3", "n4"], failback: FailbackMode.Auto)
            .Policy("db-policy", ["n3", "n4", "n1", "n2"], FailoverScriptKind.RoundRobin, FailbackMode.Controlled)
            .Group("web", "web-policy", 1, ("web-ip", "svc"), ("web-app", "svc"))
            .Group("db", "db-policy", 1, ("db-disk", "svc"), ("db-server", "svc"))
            .Build();

    /// <summary>Two servers and a witness that only votes.</summary>
    public static ClusterConfig TwoServersAndWitness()
    {
        var builder = new ConfigBuilder("witness2").Timing(HeartbeatInterval, 5)
            .ResourceType("svc", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
        return builder.Servers("s1", "s2").Witness("w")
            .Policy("web-policy", ["s1", "s2"], failback: FailbackMode.Auto)
            .Group("web", "web-policy", 1, ("web-ip", "svc"), ("web-app", "svc"))
            .Build();
    }

    /// <summary>
    /// Two servers and nothing else: the first (n1) is the tiebreaker by default, so n1 alone keeps the cluster
    /// (it fences n2 first) while n2 alone has no quorum and stops its groups.
    /// </summary>
    public static ClusterConfig TwoNodes() =>
        Base("two2", "n1", "n2")
            .Policy("web-policy", ["n1", "n2"], failback: FailbackMode.Auto)
            .Policy("db-policy", ["n2", "n1"], failback: FailbackMode.Controlled)
            .Group("web", "web-policy", 1, ("web-ip", "svc"), ("web-app", "svc"))
            .Group("db", "db-policy", 0, ("db-disk", "svc"), ("db-server", "svc"))
            .Build();

    /// <summary>
    /// Five servers sharing load: four groups with rotated domains, one round-robin, one with a custom failover
    /// script, and one resource of type "slow" whose 250 ms timeout some actions exceed (timeouts, stop failures).
    /// </summary>
    public static ClusterConfig FiveNodesLoadSharing() =>
        Base("ls5", "n1", "n2", "n3", "n4", "n5")
            .Mode(ClusterMode.LoadSharing)
            .ResourceType("slow", TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), hasRestart: false)
            .Policy("p1", ["n1", "n2", "n3", "n4", "n5"], failback: FailbackMode.Auto)
            .Policy("p2", ["n2", "n3", "n4", "n5", "n1"], FailoverScriptKind.RoundRobin, FailbackMode.Controlled)
            .Policy("p3", ["n3", "n4", "n5", "n1", "n2"], FailoverScriptKind.Custom, FailbackMode.Controlled)
            .Policy("p4", ["n4", "n5", "n1", "n2", "n3"], failback: FailbackMode.Auto, recovery: RecoveryMode.InPlace)
            .Group("g1", "p1", 1, ("g1-ip", "svc"), ("g1-app", "svc"))
            .Group("g2", "p2", 0, ("g2-app", "svc"))
            .Group("g3", "p3", 1, ("g3-ip", "svc"), ("g3-batch", "slow"))
            .Group("g4", "p4", 2, ("g4-disk", "svc"), ("g4-db", "svc"))
            .Build();

    /// <summary>Three servers with no_quorum: freeze (a minority keeps what runs) and controlled failback.</summary>
    public static ClusterConfig ThreeNodesFreeze() =>
        Base("freeze3", "n1", "n2", "n3")
            .NoQuorum(NoQuorumAction.Freeze)
            .Policy("web-policy", ["n1", "n2", "n3"], failback: FailbackMode.Controlled)
            .Group("web", "web-policy", 1, ("web-ip", "svc"), ("web-app", "svc"))
            .Build();

    /// <summary>Every built-in configuration by name: the CI sweep and `vigil simulate --random` run them all.</summary>
    public static IReadOnlyList<(string Name, ClusterConfig Config)> All() =>
    [
        ("ha3", ThreeNodesOrderedFailback()),
        ("tb4", FourNodesTiebreaker()),
        ("witness2", TwoServersAndWitness()),
        ("ls5", FiveNodesLoadSharing()),
        ("freeze3", ThreeNodesFreeze()),
        ("two2", TwoNodes()),
    ];

    private static ConfigBuilder Base(string name, params string[] servers) =>
        new ConfigBuilder(name).Timing(HeartbeatInterval, 5)
            .ResourceType("svc", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1))
            .Servers(servers);
}
