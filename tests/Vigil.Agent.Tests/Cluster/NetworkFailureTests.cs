using System.Text.RegularExpressions;
using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>A dead heartbeat network alone is reported per peer and network, never taken for a node failure.</summary>
[Collection(nameof(RealClusters))]
public class NetworkFailureTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_dead_second_network_is_reported_and_no_node_fails()
    {
        using var cluster = new AgentCluster(3);
        cluster.Start("n1");
        cluster.Start("n2");
        // n3 has not joined: the cluster fences it once (startup fencing); start it after that, not during it.
        cluster.WaitUntil(() => cluster.Status("n1") is { } s && s.GetProperty("nodes")[2].GetProperty("state").GetString() == "fenced", Long,
            "n1 and n2 formed the cluster and fenced the unknown n3");
        // n3 listens for ring1 on another port than the cluster's config says: nothing sent to it on ring1 arrives.
        var ring1 = Regex.Match(cluster.Yaml, @"name: n3, addresses: \{ ring0: [0-9.:]+, ring1: 127\.0\.0\.1:(\d+)").Groups[1].Value;
        var broken = Path.Combine(cluster.Dir, "cluster-n3.yaml");
        File.WriteAllText(broken, cluster.Yaml.Replace($"ring1: 127.0.0.1:{ring1}", $"ring1: 127.0.0.2:{ring1}"));
        cluster.Start("n3", broken);

        cluster.WaitUntil(() => cluster.Status("n3") is { } s && s.GetProperty("quorum").GetBoolean()
            && s.GetProperty("nodes")[0].GetProperty("networks").GetProperty("ring1").GetString() == "down"
            && s.GetProperty("nodes")[0].GetProperty("networks").GetProperty("ring0").GetString() == "up", Long, "n3 sees ring1 down and ring0 up");
        cluster.WaitUntil(() => cluster.Group("n1") == ("running", "n1"), Long, "webgroup running on n1");
        Thread.Sleep(2000); // many dead times
        foreach (var node in cluster.Names)
        {
            var status = cluster.MustStatus(node);
            Assert.All(status.GetProperty("nodes").EnumerateArray(), n => Assert.Equal("online", n.GetProperty("state").GetString()));
        }
        Assert.Contains("network ring1 to n1 is down (the node stays up while another network answers)", cluster.Log("n3"));
        Assert.DoesNotContain("failed: silent on every network", string.Join("\n", cluster.Names.Select(cluster.Log)));
    }
}
