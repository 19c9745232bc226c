using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>The real ocf:heartbeat:Dummy agent from resource-agents under real Vigil agents.</summary>
[Collection(nameof(RealClusters))]
public class OcfClusterTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(40);

    private const string DummyWorkload = """
        resources: [ { name: dummy, type: "ocf:heartbeat:Dummy", params: { fake: "42" } } ]
        failover_policies:
          - { name: web-policy, domain: [{domain}], script: ordered, failback: controlled }
        resource_groups:
          - { name: webgroup, resources: [dummy], policy: web-policy, local_restarts: 1 }
        """;

    [Fact]
    public void Dummy_starts_is_monitored_restarts_in_place_and_fails_over()
    {
        Assert.True(File.Exists("/usr/lib/ocf/resource.d/heartbeat/Dummy"), "install resource-agents (./test.sh does it as root)");
        using var cluster = new AgentCluster(3, workload: DummyWorkload);
        cluster.StartAll();
        cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group("n2") == ("running", "n1") && File.Exists(State(cluster, "n1")), Long, "Dummy running on n1");

        // Dummy's monitor reads its state file: without it the resource is "not running" (exit 7) — a monitor failure.
        File.Delete(State(cluster, "n1"));
        cluster.WaitUntil(() => VigilCli.Run("events", "--config", cluster.ConfigPath, "--node", "n1").Output
            .Contains("monitor of dummy (webgroup) failed on n1", StringComparison.Ordinal) && File.Exists(State(cluster, "n1")), Long, "restarted in place on n1");
        cluster.WaitUntil(() => cluster.Group("n2") == ("running", "n1"), Long, "the restart reported done: still on n1");

        File.Delete(State(cluster, "n1")); // again: local_restarts 1 is spent, so the group fails over
        cluster.WaitUntil(() => cluster.Group("n2") == ("running", "n2") && File.Exists(State(cluster, "n2")), Long, "Dummy failed over to n2");
        Assert.False(File.Exists(State(cluster, "n1")));
        Assert.Equal(1, cluster.MustStatus("n3").GetProperty("groups")[0].GetProperty("fail_counts").GetProperty("n1").GetInt32());

        cluster.Kill("n2"); // node failure: fenced (kill-agent script), then Dummy starts on n3 (n1 has a failure count)
        cluster.WaitUntil(() => cluster.Group("n3") == ("running", "n3") && File.Exists(State(cluster, "n3")), Long, "Dummy failed over to n3 after n2 was fenced");
    }

    private static string State(AgentCluster cluster, string node) => Path.Combine(cluster.DataDir(node), "run", "rsctmp", "Dummy-dummy.state");
}
