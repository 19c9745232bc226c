using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>
/// The software watchdog with a real agent: the loop stalls (failpoint VIGIL_FAILPOINT=loop-stall) while the node
/// runs a group, so it could no longer stop the group when its lease lapses — the agent must exit (70) by itself,
/// at once, even though the API's web host and the stalled main thread are still there.
/// </summary>
[Collection(nameof(RealClusters))]
public sealed class WatchdogTests
{
    [Fact]
    public void A_stalled_loop_with_a_group_running_exits_70_within_a_few_dead_times()
    {
        using var cluster = new AgentCluster(1);
        cluster.Environment[Vigil.Cli.Agent.AgentLoop.FailpointVariable] = "loop-stall";
        cluster.Start("n1");

        cluster.WaitUntil(() => cluster.ExitCode("n1") is not null, TimeSpan.FromSeconds(60),
            "the agent to exit by itself after its loop stalled with a group running");
        cluster.WaitUntil(() => cluster.Log("n1").Contains("watchdog: SELF-FENCE", StringComparison.Ordinal), TimeSpan.FromSeconds(5),
            "the watchdog's log line");
        Assert.Contains("failpoint", cluster.Log("n1"), StringComparison.Ordinal);
        Assert.Equal(70, cluster.ExitCode("n1"));
    }
}
