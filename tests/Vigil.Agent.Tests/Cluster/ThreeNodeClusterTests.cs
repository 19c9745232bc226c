using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>Three real agents on loopback: formation, leader failover with the group, catch-up after restart.</summary>
[Collection(nameof(RealClusters))]
public class ThreeNodeClusterTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_cluster_forms_elects_one_leader_and_runs_the_group_once()
    {
        using var cluster = new AgentCluster(3);
        cluster.StartAll();
        var leader = cluster.AgreedLeader(Long);
        Assert.Contains(leader, cluster.Names);
        cluster.WaitUntil(() => cluster.Group("n1") == ("running", "n1"), Long, "webgroup running on n1 (first in its domain)");
        cluster.WaitUntil(() => cluster.Runs("n1"), Long, "n1's marker");
        Assert.False(cluster.Runs("n2") || cluster.Runs("n3"), "the group runs on one node only");
        foreach (var node in cluster.Names)
        {
            var status = cluster.MustStatus(node);
            Assert.True(status.GetProperty("quorum").GetBoolean());
            Assert.Equal(1, status.GetProperty("config_version").GetInt64());
            foreach (var n in status.GetProperty("nodes").EnumerateArray())
            {
                Assert.Equal("online", n.GetProperty("state").GetString());
                Assert.Equal("up", n.GetProperty("networks").GetProperty("ring0").GetString());
            }
        }
    }

    [Fact]
    public void Killing_the_leader_elects_another_and_the_group_runs_elsewhere_then_the_node_catches_up()
    {
        using var cluster = new AgentCluster(3);
        cluster.StartAll();
        var leader = cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group(leader).State == "running", Long, "webgroup running");

        // Config version 2 puts the leader first in the domain (failback auto): the group moves to the leader.
        var others = cluster.Names.Where(n => n != leader).ToList();
        var v2 = cluster.Yaml.Replace($"domain: [{string.Join(", ", cluster.Names)}]", $"domain: [{leader}, {string.Join(", ", others)}]");
        var v2Path = Path.Combine(cluster.Dir, "cluster-v2.yaml");
        File.WriteAllText(v2Path, v2);
        var apply = VigilCli.Run("config", "apply", v2Path, "--node", others[0]);
        Assert.True(apply.ExitCode == 0, apply.Output);
        Assert.Contains("config version 2 committed", apply.Output);
        cluster.WaitUntil(() => cluster.Group(others[0]) == ("running", leader) && cluster.Runs(leader), Long, $"webgroup running on the leader {leader}");

        cluster.Kill(leader);
        string? next = null;
        cluster.WaitUntil(() => (next = cluster.Leader(others[0])) is not null && next != leader && cluster.Leader(others[1]) == next,
            Long, "a new leader agreed by both survivors");
        cluster.WaitUntil(() => cluster.Group(others[0]) is ("running", var n) && n != leader && cluster.Runs(n!), Long, "webgroup running on a survivor");
        Assert.Contains($"fencing {leader}", cluster.Log(next!));

        cluster.Start(leader); // with its old file (version 1): it must catch up to version 2 from the log
        cluster.WaitUntil(() => cluster.Status(leader) is { } s && s.GetProperty("config_version").GetInt64() == 2 && s.GetProperty("leader").GetString() == next,
            Long, "the restarted node follows the new leader at config version 2");
        // failback auto: the group returns to the restarted node, the first of the domain.
        cluster.WaitUntil(() => cluster.Group(others[0]) == ("running", leader) && cluster.Runs(leader), Long, "webgroup back on the restarted node");
        Assert.False(others.Any(cluster.Runs), "the group runs on one node only");
    }
}

[CollectionDefinition(nameof(RealClusters), DisableParallelization = true)]
public class RealClusters;
