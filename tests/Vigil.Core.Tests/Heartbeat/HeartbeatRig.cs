using Vigil.Core.Configuration;
using Vigil.Core.Heartbeat;

namespace Vigil.Core.Tests.Heartbeat;

/// <summary>
/// Drives a <see cref="HeartbeatMonitor"/> of node "n1" on a simulated clock: 100 ms heartbeats, dead after 5
/// (dead time 500 ms). Each <see cref="Step"/> is one interval: deliver heartbeats, then tick on time.
/// </summary>
internal sealed class HeartbeatRig
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    public static readonly TimingConfig Timing = new(Interval, 5);
    public static readonly TimeSpan DeadTime = Timing.DeadTime;

    public HeartbeatRig(string[]? peers = null, string[]? networks = null, Func<string, string, bool>? hasLink = null)
    {
        Monitor = new HeartbeatMonitor("n1", peers ?? ["n2"], networks ?? ["a", "b"], Timing, hasLink);
        Monitor.Tick(Now, Now); // start the monitor at t = 0
    }

    public HeartbeatMonitor Monitor { get; }

    public TimeSpan Now { get; private set; }

    public static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>Heartbeats at the current time.</summary>
    public HeartbeatRig Beat(params (string Peer, string Network)[] beats)
    {
        foreach (var (peer, network) in beats)
            Monitor.HeartbeatReceived(Now, peer, network, 1);
        return this;
    }

    /// <summary>One interval later: the given heartbeats arrive, then the timer fires on time.</summary>
    public HeartbeatRig Step(params (string Peer, string Network)[] beats)
    {
        Now += Interval;
        Beat(beats);
        Monitor.Tick(Now, Now);
        return this;
    }

    /// <summary><paramref name="count"/> steps with the same heartbeats each time.</summary>
    public HeartbeatRig Steps(int count, params (string Peer, string Network)[] beats)
    {
        for (var i = 0; i < count; i++)
            Step(beats);
        return this;
    }

    /// <summary>This node stalls for <paramref name="pause"/>: its timer, due one interval later, fires late.</summary>
    public HeartbeatRig LateTick(TimeSpan pause, params (string Peer, string Network)[] beatsBeforeTick)
    {
        var due = Now + Interval;
        Now = due + pause;
        Beat(beatsBeforeTick);
        Monitor.Tick(Now, due);
        return this;
    }

    /// <summary>Every heartbeat of every peer on every network.</summary>
    public (string, string)[] All() =>
        Monitor.Peers.SelectMany(p => Monitor.Networks(p).Keys.Select(n => (p, n))).ToArray();

    public IReadOnlyList<HeartbeatEvent> Events() => Monitor.TakeEvents();

    public string[] Members() => Monitor.View.Members.Order(StringComparer.Ordinal).ToArray();
}
