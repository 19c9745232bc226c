using Vigil.Core.Heartbeat;

namespace Vigil.Cli.Agent;

/// <summary>
/// Sends this node's heartbeats and ticks the failure detector on a dedicated, above-normal-priority thread,
/// so no other work of the agent can starve them. The monitor learns how late each tick fired (Lifeguard's
/// local health): a paused agent widens its deadlines instead of accusing healthy peers.
/// </summary>
internal sealed class HeartbeatService : IDisposable
{
    private readonly ClusterLink link;
    private readonly HeartbeatMonitor monitor;
    private readonly Lock monitorGate;
    private readonly AgentClock clock;
    private readonly TimeSpan interval;
    private readonly long incarnation;
    private readonly Thread thread;
    private volatile bool stopping;

    public HeartbeatService(ClusterLink link, HeartbeatMonitor monitor, Lock monitorGate, AgentClock clock, TimeSpan interval, long incarnation)
    {
        (this.link, this.monitor, this.monitorGate, this.clock, this.interval, this.incarnation) = (link, monitor, monitorGate, clock, interval, incarnation);
        thread = new Thread(Run) { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "vigil-heartbeat" };
    }

    public void Start() => thread.Start();

    private void Run()
    {
        var due = clock.Now;
        while (!stopping)
        {
            long viewId;
            lock (monitorGate)
            {
                monitor.Tick(clock.Now, due);
                viewId = monitor.View.ViewId;
            }
            link.SendHeartbeats(AgentMessages.Heartbeat(incarnation, viewId));
            due += interval;
            var now = clock.Now;
            if (due < now) due = now; // late: carry on from now, the monitor already saw the lateness
            var wait = due - now;
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
        }
    }

    public void Dispose()
    {
        stopping = true;
        if (thread.IsAlive) thread.Join(TimeSpan.FromSeconds(1));
    }
}
