using Vigil.Core.Heartbeat;
using static Vigil.Core.Tests.Heartbeat.HeartbeatRig;

namespace Vigil.Core.Tests.Heartbeat;

/// <summary>A heartbeat the host reads in a batch, later than it arrived: silence counts from its arrival.</summary>
public class HeartbeatReadLateTests
{
    [Fact]
    public void SilenceCountsFromTheArrivalNotFromTheReading()
    {
        var rig = new HeartbeatRig(networks: ["a"]);
        // Arrived at 100 ms, read at 190 ms (the next batch).
        rig.Monitor.HeartbeatReceived(Ms(190), "n2", "a", 1, heardAt: Ms(100));
        Assert.Equal(Ms(100), rig.Monitor.LastHeard("n2"));
        rig.Monitor.Tick(Ms(590), Ms(590));
        Assert.Equal(NetworkState.Up, rig.Monitor.State("n2", "a")); // 490 ms of silence
        rig.Monitor.Tick(Ms(600), Ms(600));
        Assert.Equal(NetworkState.Down, rig.Monitor.State("n2", "a")); // 500 ms after the arrival, not after the reading
    }

    [Fact]
    public void AnOlderArrivalReadAfterANewerOneDoesNotMoveSilenceBack()
    {
        var rig = new HeartbeatRig(networks: ["a"]);
        rig.Monitor.HeartbeatReceived(Ms(300), "n2", "a", 1);
        rig.Monitor.HeartbeatReceived(Ms(310), "n2", "a", 1, heardAt: Ms(150));
        Assert.Equal(Ms(300), rig.Monitor.LastHeard("n2"));
        rig.Monitor.Tick(Ms(750), Ms(750));
        Assert.Equal(NetworkState.Up, rig.Monitor.State("n2", "a"));
    }

    [Fact]
    public void AnArrivalTimeInTheFutureCountsAsNow()
    {
        var rig = new HeartbeatRig(networks: ["a"]);
        rig.Monitor.HeartbeatReceived(Ms(100), "n2", "a", 1, heardAt: Ms(5000));
        Assert.Equal(Ms(100), rig.Monitor.LastHeard("n2"));
    }
}
