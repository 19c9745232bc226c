using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>Five agents: losing two keeps the cluster running; losing a third stops the group (no_quorum: stop).</summary>
[Collection(nameof(RealClusters))]
public class FiveNodeQuorumTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(40);

    [Fact]
    public void Losing_two_of_five_keeps_running_losing_a_third_stops_the_group()
    {
        using var cluster = new AgentCluster(5);
        cluster.StartAll();
        cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group("n2") == ("running", "n1") && cluster.Runs("n1"), Long, "webgroup running on n1");

        cluster.Kill("n4");
        cluster.Kill("n5");
        cluster.WaitUntil(() => cluster.Status("n1") is { } s && s.GetProperty("nodes")[3].GetProperty("state").GetString() == "fenced"
            && s.GetProperty("nodes")[4].GetProperty("state").GetString() == "fenced", Long, "n4 and n5 fenced");
        Assert.True(cluster.Runs("n1"), "three of five are a quorum: the group keeps running");
        Assert.True(cluster.MustStatus("n1").GetProperty("quorum").GetBoolean());

        cluster.Kill("n3");
        // n1 and n2 are 2 of 5 voters: no Raft quorum, no lease: n1 stops the group on its own.
        cluster.WaitUntil(() => !cluster.Runs("n1"), TimeSpan.FromSeconds(15), "n1 stops webgroup after losing quorum");
        Assert.Contains("lost quorum", cluster.Log("n1"));
        Assert.False(cluster.Runs("n2"));
        Thread.Sleep(1500);
        Assert.False(cluster.Runs("n1") || cluster.Runs("n2"), "without quorum nothing starts again");
    }
}
