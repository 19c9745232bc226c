using Vigil.Core.Heartbeat;
using static Vigil.Core.Tests.Heartbeat.HeartbeatRig;

namespace Vigil.Core.Tests.Heartbeat;

/// <summary>Who is in the view: joining on the first heartbeat, loss only after the dead time on every network, restarts.</summary>
public class HeartbeatMembershipTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void PeerJoinsTheViewOnItsFirstHeartbeatOnAnyNetwork(string network)
    {
        var rig = new HeartbeatRig();
        Assert.Equal(0, rig.Monitor.View.ViewId);
        Assert.Equal(["n1"], rig.Members());

        rig.Step(("n2", network));

        Assert.Equal(1, rig.Monitor.View.ViewId);
        Assert.Equal(["n1", "n2"], rig.Members());
        Assert.Equal([new NetworkUp(Ms(100), "n2", network), new PeerJoined(Ms(100), "n2", network)], rig.Events());
        Assert.Equal(NetworkState.Up, rig.Monitor.State("n2", network));
    }

    /// <summary>Heard on a for <c>stepsA</c> steps and on b for <c>stepsB</c>: lost 5 steps (the dead time) after the later one.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 3)]
    [InlineData(4, 2)]
    [InlineData(1, 0)]
    public void PeerIsLostOnlyAfterTheDeadTimeOnAllNetworksNotOneTickEarlier(int stepsA, int stepsB)
    {
        var rig = new HeartbeatRig();
        var last = Math.Max(stepsA, stepsB);
        for (var step = 1; step <= last; step++)
            rig.Step([.. step <= stepsA ? [("n2", "a")] : Array.Empty<(string, string)>(), .. step <= stepsB ? [("n2", "b")] : Array.Empty<(string, string)>()]);
        rig.Events();

        rig.Steps(4);
        Assert.Contains("n2", rig.Members());
        Assert.DoesNotContain(rig.Events(), e => e is PeerLost);

        rig.Step();
        Assert.DoesNotContain("n2", rig.Members());
        Assert.Equal(new PeerLost(rig.Now, "n2", DeadTime), rig.Events().OfType<PeerLost>().Single());
        Assert.All(rig.Monitor.Networks("n2").Values, s => Assert.Equal(NetworkState.Down, s));
    }

    [Fact]
    public void SetPeersTracksANewPeerFromNowAndForgetsARemovedOneWhichLeavesTheView()
    {
        var rig = new HeartbeatRig(peers: ["n2", "n3"]);
        rig.Steps(3, ("n2", "a"), ("n3", "a"));
        rig.Events();
        Assert.Equal(["n1", "n2", "n3"], rig.Members());
        var viewId = rig.Monitor.View.ViewId;

        rig.Monitor.SetPeers(["n2", "n4"], (peer, network) => peer != "n4" || network == "b");

        Assert.Equal(["n2", "n4"], rig.Monitor.Peers);
        Assert.Equal(["n1", "n2"], rig.Members());
        Assert.Equal(viewId + 1, rig.Monitor.View.ViewId);
        Assert.Equal(["b"], rig.Monitor.Networks("n4").Keys);
        Assert.Equal(NetworkState.Up, rig.Monitor.State("n2", "a"));
        Assert.Throws<ArgumentException>(() => rig.Monitor.Networks("n3"));
        rig.Step(("n3", "a"), ("n4", "b"));
        Assert.Equal(["n1", "n2", "n4"], rig.Members());

        // A new peer never heard counts its silence from when it was added, not from the monitor's start.
        rig.Monitor.SetPeers(["n2", "n4", "n5"]);
        rig.Steps(4, ("n2", "a"), ("n4", "b"));
        Assert.Equal(NetworkState.Unknown, rig.Monitor.State("n5", "a"));
        rig.Step(("n2", "a"), ("n4", "b"));
        Assert.Equal(NetworkState.Down, rig.Monitor.State("n5", "a"));
        Assert.Throws<ArgumentException>(() => rig.Monitor.SetPeers(["n1", "n2"]));
    }

    [Fact]
    public void NetworksNeverHeardGoDownOneDeadTimeAfterTheMonitorStartedAndThePeerNeverJoins()
    {
        var rig = new HeartbeatRig();
        rig.Steps(4);
        Assert.Equal(NetworkState.Unknown, rig.Monitor.State("n2", "a"));
        Assert.Empty(rig.Events());

        rig.Step();

        Assert.Equal([new NetworkDown(Ms(500), "n2", "a"), new NetworkDown(Ms(500), "n2", "b")], rig.Events());
        Assert.Equal(0, rig.Monitor.View.ViewId);
        Assert.Null(rig.Monitor.ControlNetwork("n2"));
    }

    [Fact]
    public void ARestartIsReportedAndThePeerStaysInTheView()
    {
        var rig = new HeartbeatRig();
        rig.Monitor.HeartbeatReceived(Ms(10), "n2", "a", 7);
        Assert.DoesNotContain(rig.Events(), e => e is PeerRestarted);
        Assert.Equal(7, rig.Monitor.Incarnation("n2"));
        var view = rig.Monitor.View;

        rig.Monitor.HeartbeatReceived(Ms(20), "n2", "b", 8);

        Assert.Equal([new PeerRestarted(Ms(20), "n2", 7, 8), new NetworkUp(Ms(20), "n2", "b")], rig.Events());
        Assert.Equal(8, rig.Monitor.Incarnation("n2"));
        Assert.Same(view, rig.Monitor.View);
    }

    [Fact]
    public void AHeartbeatFromAnOlderIncarnationIsStaleAndIgnored()
    {
        var rig = new HeartbeatRig();
        rig.Monitor.HeartbeatReceived(Ms(10), "n2", "a", 8);
        rig.Events();

        rig.Monitor.HeartbeatReceived(Ms(20), "n2", "b", 7);

        Assert.Equal((1L, 8L, Ms(10)), (rig.Monitor.StaleHeartbeats, rig.Monitor.Incarnation("n2")!.Value, rig.Monitor.LastHeard("n2")!.Value));
        Assert.Equal(NetworkState.Unknown, rig.Monitor.State("n2", "b"));
        Assert.Empty(rig.Events());
    }

    [Fact]
    public void LastHeardIsTheLatestHeartbeatOnAnyNetwork()
    {
        var rig = new HeartbeatRig(peers: ["n2", "n3"]);
        Assert.Null(rig.Monitor.LastHeard("n2"));
        Assert.Null(rig.Monitor.Incarnation("n2"));

        rig.Step(("n2", "b")).Step(("n2", "a")).Step();

        Assert.Equal(Ms(200), rig.Monitor.LastHeard("n2"));
        Assert.Null(rig.Monitor.LastHeard("n3"));
    }

    [Fact]
    public void ViewIdsGrowByOneWithEachChangeOfTheMemberSet()
    {
        var rig = new HeartbeatRig(peers: ["n2", "n3", "n4"]);
        var views = new List<(long Id, string Members)>();
        void Record()
        {
            var (id, members) = (rig.Monitor.View.ViewId, string.Join(",", rig.Members()));
            if (views.Count == 0 || views[^1] != (id, members)) views.Add((id, members));
        }

        Record();
        rig.Step(("n2", "a")); Record();
        rig.Step(("n2", "a"), ("n3", "b")); Record();
        rig.Step(("n2", "a"), ("n3", "b"), ("n4", "a")); Record();
        for (var i = 0; i < 5; i++) { rig.Step(("n4", "a")); Record(); } // n2 and n3 are lost in the same tick
        rig.Step(("n2", "b"), ("n4", "a")); Record();

        Assert.Equal(
        [
            (0, "n1"), (1, "n1,n2"), (2, "n1,n2,n3"), (3, "n1,n2,n3,n4"), (4, "n1,n4"), (5, "n1,n2,n4"),
        ], views);
    }
}
