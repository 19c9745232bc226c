using Vigil.Core.Heartbeat;
using static Vigil.Core.Tests.Heartbeat.HeartbeatRig;

namespace Vigil.Core.Tests.Heartbeat;

/// <summary>Events (drained, bounded, ordered), determinism and defensive input handling.</summary>
public class HeartbeatEventTests
{
    [Fact]
    public void TakeEventsDrainsThePendingEvents()
    {
        var rig = new HeartbeatRig();
        rig.Step(("n2", "a"));
        Assert.Equal(2, rig.Events().Count);
        Assert.Empty(rig.Events());
    }

    [Fact]
    public void PendingEventsAreCappedDroppingTheOldestAndCountingThem()
    {
        var rig = new HeartbeatRig();
        for (var incarnation = 1; incarnation <= 1100; incarnation++)
            rig.Monitor.HeartbeatReceived(Ms(10), "n2", "a", incarnation); // NetworkUp, PeerJoined, then 1099 restarts

        var events = rig.Events();

        Assert.Equal((HeartbeatConstants.EventCapacity, 77L), (events.Count, rig.Monitor.DroppedEvents));
        Assert.Equal(new PeerRestarted(Ms(10), "n2", 76, 77), events[0]);
        Assert.Equal(new PeerRestarted(Ms(10), "n2", 1099, 1100), events[^1]);
    }

    [Fact]
    public void EventsFollowOrdinalPeerOrderThenNetworkPriority()
    {
        static IReadOnlyList<HeartbeatEvent> Run()
        {
            var rig = new HeartbeatRig(peers: ["n4", "n2", "n3"], networks: ["b", "a"]);
            rig.Step(rig.All());
            rig.Events();
            rig.Steps(5);
            return rig.Events();
        }

        var events = Run();

        var t = Ms(600);
        Assert.Equal(
        [
            new NetworkDown(t, "n2", "b"), new NetworkDown(t, "n2", "a"), new PeerLost(t, "n2", DeadTime),
            new NetworkDown(t, "n3", "b"), new NetworkDown(t, "n3", "a"), new PeerLost(t, "n3", DeadTime),
            new NetworkDown(t, "n4", "b"), new NetworkDown(t, "n4", "a"), new PeerLost(t, "n4", DeadTime),
        ], events);
        Assert.Equal(events, Run());
    }

    [Theory]
    [InlineData("unknown peer", "n9", "a")]
    [InlineData("unknown network", "n2", "z")]
    [InlineData("this node's own heartbeat", "n1", "a")]
    [InlineData("a network the peer has no address on", "n3", "a")]
    public void HeartbeatsWithUnknownNamesAreIgnoredAndCounted(string story, string peer, string network)
    {
        Assert.NotNull(story);
        var rig = new HeartbeatRig(peers: ["n2", "n3"], hasLink: (p, n) => !(p == "n3" && n == "a"));

        rig.Beat((peer, network));

        Assert.Equal(1, rig.Monitor.IgnoredHeartbeats);
        Assert.Empty(rig.Events());
        Assert.Equal(0, rig.Monitor.View.ViewId);
        Assert.All(rig.Monitor.Peers, p => Assert.Null(rig.Monitor.LastHeard(p)));
    }

    [Fact]
    public void TimeRunningBackwardsIsAnInvariantViolation()
    {
        var rig = new HeartbeatRig();
        rig.Step();
        Assert.Throws<InvariantViolationException>(() => rig.Monitor.Tick(Ms(50), Ms(50)));
    }

    [Theory]
    [InlineData("self among peers", "n1")]
    [InlineData("duplicate peer", "n2")]
    public void InvalidPeerListsAreRejected(string story, string extraPeer)
    {
        Assert.NotNull(story);
        Assert.Throws<ArgumentException>(() => new HeartbeatMonitor("n1", ["n2", extraPeer], ["a"], Timing));
    }
}
