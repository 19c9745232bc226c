using System.Diagnostics;
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
    public async Task A_stalled_loop_with_a_group_running_exits_70_within_a_few_dead_times()
    {
        using var cluster = new AgentCluster(1);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = cluster.Dir,
        };
        foreach (var a in new[] { typeof(Vigil.Cli.Program).Assembly.Location, "agent", "--config", cluster.ConfigPath, "--node", "n1" })
            start.ArgumentList.Add(a);
        start.Environment[Vigil.Cli.Agent.AgentLoop.FailpointVariable] = "loop-stall";
        using var agent = Process.Start(start)!;
        var stderr = agent.StandardError.ReadToEndAsync();
        var stdout = agent.StandardOutput.ReadToEndAsync();

        var exited = agent.WaitForExit(60_000);
        if (!exited)
        {
            agent.Kill(entireProcessTree: true);
            await agent.WaitForExitAsync();
        }
        var log = await stderr + await stdout;
        Assert.True(exited, "the agent did not exit after its loop stalled with a group running:\n" + log);
        Assert.Contains("failpoint", log, StringComparison.Ordinal);
        Assert.Contains("watchdog: SELF-FENCE", log, StringComparison.Ordinal);
        Assert.Equal(70, agent.ExitCode);
    }
}
