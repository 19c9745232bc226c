using Vigil.Core.Configuration;

namespace Vigil.Bench;

/// <summary>
/// The benchmark cluster, built directly as a <see cref="ClusterConfig"/>: 64 servers n01..n64 fenced by one
/// script device, one resource type, 2,000 groups of 5 resources (a dependency chain r1 &lt;- r2 &lt;- … &lt;- r5),
/// and 256 failover policies whose 4-node domains start at every node and step round the ring by 1, 7, 13 or 29
/// (odd strides, so the 4 nodes are distinct and a failed node's groups spread over 4 survivors).
/// </summary>
internal static class BenchCluster
{
    public const int NodeCount = 64;
    public const int GroupCount = 2_000;
    public const int ResourcesPerGroup = 5;
    public const int DomainSize = 4;
    private static readonly int[] Strides = [1, 7, 13, 29];

    public static string NodeName(int index) => $"n{index + 1:D2}";

    public static ClusterConfig Build()
    {
        var nodes = Enumerable.Range(0, NodeCount)
            .Select(i => new NodeConfig(
                NodeName(i),
                new Dictionary<string, string>(StringComparer.Ordinal) { ["ring0"] = $"10.0.{i / 250}.{i % 250 + 1}:5405" },
                null,
                new NodeFenceConfig("fence-script", NodeName(i)),
                NodeRole.Server))
            .ToList();

        var fence = new FenceDeviceConfig("fence-script", "script",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["path"] = "/usr/lib/vigil/fence-bench.sh" });

        var type = new ResourceTypeConfig(
            "app",
            new Dictionary<ResourceAction, string>
            {
                [ResourceAction.Exclusive] = "/usr/lib/vigil/app/exclusive",
                [ResourceAction.Start] = "/usr/lib/vigil/app/start",
                [ResourceAction.Stop] = "/usr/lib/vigil/app/stop",
                [ResourceAction.Monitor] = "/usr/lib/vigil/app/monitor",
                [ResourceAction.Restart] = "/usr/lib/vigil/app/restart",
            },
            ActionTimeouts.Default,
            TimeSpan.FromSeconds(10),
            []);

        var policies = new List<FailoverPolicyConfig>();
        foreach (var stride in Strides)
        {
            for (var first = 0; first < NodeCount; first++)
            {
                var domain = Enumerable.Range(0, DomainSize).Select(j => NodeName((first + j * stride) % NodeCount)).ToList();
                policies.Add(new FailoverPolicyConfig(
                    $"p{first + 1:D2}s{stride:D2}", domain, FailoverScriptKind.Ordered, null,
                    policies.Count % 2 == 0 ? FailbackMode.Auto : FailbackMode.Controlled, RecoveryMode.Auto));
            }
        }

        var resources = new List<ResourceConfig>(GroupCount * ResourcesPerGroup);
        var groups = new List<ResourceGroupConfig>(GroupCount);
        for (var g = 0; g < GroupCount; g++)
        {
            var groupName = GroupName(g);
            var members = new List<string>(ResourcesPerGroup);
            for (var r = 0; r < ResourcesPerGroup; r++)
            {
                var name = $"{groupName}-r{r + 1}";
                resources.Add(new ResourceConfig(
                    name, "app",
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["instance"] = name },
                    r == 0 ? [] : [members[r - 1]]));
                members.Add(name);
            }
            // g % 256 picks the policy: the primary node is g % 64, the stride (g / 64) % 4.
            groups.Add(new ResourceGroupConfig(groupName, members, policies[g % policies.Count].Name, 1));
        }

        return new ClusterConfig(
            new ClusterSettings("bench", 1, ClusterMode.HighAvailability, null, null, NoQuorumAction.Stop, TimingConfig.Default),
            [new NetworkConfig("ring0")],
            nodes,
            [fence],
            [],
            [type],
            resources,
            policies,
            groups,
            []);
    }

    public static string GroupName(int index) => $"g{index + 1:D4}";

    /// <summary>Every server, as the membership view of a healthy cluster.</summary>
    public static HashSet<string> AllMembers(ClusterConfig config) =>
        config.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
}
