using Vigil.Core.Heartbeat;

namespace Vigil.Cli.Agent;

/// <summary>
/// Once per heartbeat interval, on the network thread ("vigil-net", above-normal priority, which no other work of
/// the agent can starve): ticks the failure detector, sends this node's heartbeats on every network and runs the
/// loop watchdog's check. The monitor learns how late each beat fired (Lifeguard's local health): a paused agent
/// widens its deadlines instead of accusing healthy peers.
/// </summary>
internal sealed class HeartbeatService(ClusterLink link, HeartbeatMonitor monitor, Lock monitorGate, AgentClock clock, TimeSpan interval,
    long incarnation, Action? onBeat = null)
{
    private TimeSpan? due;

    /// <summary>One beat; returns the time until the next one is due.</summary>
    public TimeSpan Beat()
    {
        var now = clock.Now;
        var scheduled = due ?? now;
        long viewId;
        lock (monitorGate)
        {
            monitor.Tick(now, scheduled);
            viewId = monitor.View.ViewId;
        }
        link.SendHeartbeats(AgentMessages.Heartbeat(incarnation, viewId));
        onBeat?.Invoke();
        var next = scheduled + interval;
        now = clock.Now;
        if (next < now) next = now; // late: carry on from now, the monitor already saw the lateness
        due = next;
        return next - now;
    }
}
