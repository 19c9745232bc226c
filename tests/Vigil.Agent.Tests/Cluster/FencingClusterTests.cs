using Vigil.Cli.Agent.Execution;
using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>Fencing on real agents: the built-in process device, and a device that fails.</summary>
[Collection(nameof(RealClusters))]
public class FencingClusterTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(40);

    /// <summary>A `process` resource (a shell loop) in webgroup: the thing a dead agent leaves behind.</summary>
    private const string ProcessWorkload = """
        resources: [ { name: loop, type: process, params: { command: "echo $VIGIL_NODE > started.$VIGIL_NODE; exec sleep 1000", grace: 2s } } ]
        failover_policies:
          - { name: web-policy, domain: [{domain}], script: ordered, failback: controlled }
        resource_groups:
          - { name: webgroup, resources: [loop], policy: web-policy }
        """;

    [Fact]
    public void The_process_device_kills_a_dead_agents_leftover_processes_before_the_group_starts_elsewhere()
    {
        using var cluster = new AgentCluster(3, workload: ProcessWorkload, fenceDevice: "{ name: fencer, agent: process }");
        cluster.StartAll();
        cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group("n2") == ("running", "n1"), Long, "webgroup running on n1");
        var pidFile = Path.Combine(cluster.DataDir("n1"), "process", "loop.pid");
        var pid = int.Parse(File.ReadAllText(pidFile).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Directory.Exists($"/proc/{pid}"));

        cluster.Kill("n1"); // the agent dies; the resource it started keeps running, as after a real agent crash
        Assert.True(Directory.Exists($"/proc/{pid}"), "the resource outlives its agent");
        cluster.WaitUntil(() => cluster.Group("n2") is ("running", "n2" or "n3"), Long, "webgroup running elsewhere");
        Assert.True(ProcessTable.IsGone(pid), "the process device killed n1's leftover before webgroup started elsewhere");
        var events = VigilCli.Run("events", "--config", cluster.ConfigPath, "--node", "n2").Output;
        Assert.Contains("n1 fenced by fencer", events, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_fence_keeps_the_group_stopped_and_says_so()
    {
        using var cluster = new AgentCluster(3, fenceDevice: "{ name: fencer, agent: script, params: { command: actions/fence-fails, timeout: 5s } }");
        var script = Path.Combine(cluster.Dir, "actions", "fence-fails");
        File.WriteAllText(script, "#!/bin/sh\necho \"power switch unreachable for $1\"\nexit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        cluster.StartAll();
        cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group("n2") == ("running", "n1"), Long, "webgroup running on n1");

        cluster.Kill("n1");
        cluster.WaitUntil(() => VigilCli.Run("events", "--config", cluster.ConfigPath, "--node", "n2").Output
            .Contains("fencing n1 via fencer failed (script off n1: exit 1: power switch unreachable for n1); webgroup stay stopped", StringComparison.Ordinal), Long, "the fence failure reported");
        Thread.Sleep(2000);
        Assert.False(cluster.Runs("n2") || cluster.Runs("n3"), "webgroup must not start elsewhere while n1 is not fenced");
        var status = cluster.MustStatus("n2");
        Assert.Equal("failed", status.GetProperty("nodes")[0].GetProperty("health").GetString());
        Assert.Equal(("unclean", "n1"), cluster.Group("n2"));
    }
}
