using Vigil.Core.Configuration;

namespace Vigil.Cli.Agent;

/// <summary>
/// The agent's software watchdog: if the decision loop makes no progress for two dead times while this node
/// runs groups, it can no longer stop them when its lease lapses — so it exits at once (70), like a watchdog
/// reset, before the majority's self-fence bound passes. <see cref="Check"/> runs every heartbeat on the network
/// thread (<see cref="HeartbeatService"/>), which the loop cannot block. A frozen process (SIGSTOP, a VM pause)
/// is beyond any software watchdog: docs/design/quorum.md says when a fence device or hardware watchdog is needed.
/// </summary>
internal sealed class LoopWatchdog(AgentLoop loop, ClusterConfig config, AgentLog log)
{
    private readonly long limitMs = (long)(2 * config.Cluster.Timing.DeadTime).TotalMilliseconds;

    public void Check()
    {
        if (!loop.HasActiveGroups || loop.StalledForMs <= limitMs) return;
        log.Write("watchdog", $"SELF-FENCE: the agent loop made no progress for {loop.StalledForMs} ms while running groups; exiting (70)");
        // Not Environment.Exit: it runs exit handlers first (the web host's shutdown…), which took seconds on a
        // starved machine; _exit ends the process now.
        ExitNow(70);
    }

    /// <summary>libc _exit: ends the process at once, running no exit handler.</summary>
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int code);
}
