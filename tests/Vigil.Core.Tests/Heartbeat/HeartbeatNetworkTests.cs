using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Heartbeat;
using static Vigil.Core.Tests.Heartbeat.HeartbeatRig;

namespace Vigil.Core.Tests.Heartbeat;

/// <summary>Per-network state: a dead network is reported, never a node failure; control traffic fails over and back.</summary>
public class HeartbeatNetworkTests
{
    [Fact]
    public void APeerStaysWhileOneOfItsTwoNetworksIsSilentAndTheDeadNetworkIsReported()
    {
        var rig = new HeartbeatRig();
        rig.Step(("n2", "a"), ("n2", "b"));
        rig.Events();

        rig.Steps(20, ("n2", "b"));

        Assert.Equal([new NetworkDown(Ms(600), "n2", "a")], rig.Events());
        Assert.Equal(new Dictionary<string, NetworkState> { ["a"] = NetworkState.Down, ["b"] = NetworkState.Up }, rig.Monitor.Networks("n2"));
        Assert.Equal(1, rig.Monitor.View.ViewId);
        Assert.Equal(["n1", "n2"], rig.Members());
    }

    [Fact]
    public void ControlTrafficMovesToTheNextNetworkOnTheThirdMissedHeartbeatAndBackOnTheFirstHeartbeat()
    {
        var rig = new HeartbeatRig();
        rig.Step(("n2", "a"), ("n2", "b"));
        Assert.Equal("a", rig.Monitor.ControlNetwork("n2"));

        var chosen = new List<string?>();
        for (var i = 0; i < 6; i++)
            chosen.Add(rig.Step(("n2", "b")).Monitor.ControlNetwork("n2"));
        Assert.Equal(["a", "a", "b", "b", "b", "b"], chosen);
        Assert.Equal(NetworkState.Down, rig.Monitor.State("n2", "a"));

        rig.Events();
        rig.Step(("n2", "a"), ("n2", "b"));
        Assert.Equal("a", rig.Monitor.ControlNetwork("n2"));
        Assert.Equal([new NetworkUp(rig.Now, "n2", "a")], rig.Events());
    }

    /// <summary>
    /// Each string is one step: the networks n2 is heard on then ("" = silence). Fresh = heard less than 3
    /// intervals ago; without a fresh network, the highest-priority Up one; with none Up, nothing.
    /// </summary>
    [Theory]
    [InlineData("a fresh", new[] { "ab" }, "a")]
    [InlineData("a fresh after two misses", new[] { "ab", "b", "b" }, "a")]
    [InlineData("a stale, b fresh", new[] { "ab", "b", "b", "b" }, "b")]
    [InlineData("a stale, b never heard", new[] { "a", "", "", "" }, "a")]
    [InlineData("both stale: priority wins over recency", new[] { "ab", "b", "", "", "" }, "a")]
    [InlineData("a down, b stale", new[] { "ab", "b", "b", "b", "", "", "" }, "b")]
    [InlineData("never heard", new string[0], null)]
    [InlineData("all down", new[] { "ab", "", "", "", "", "" }, null)]
    public void ControlNetworkChoice(string story, string[] steps, string? expected)
    {
        Assert.NotNull(story);
        var rig = new HeartbeatRig();
        foreach (var step in steps)
            rig.Step(step.Select(n => ("n2", n.ToString())).ToArray());
        Assert.Equal(expected, rig.Monitor.ControlNetwork("n2"));
    }

    [Fact]
    public void OnlyNetworksBothNodesAreOnAreTracked()
    {
        var rig = new HeartbeatRig(peers: ["n2", "n3"], hasLink: (peer, network) => !(peer == "n3" && network == "a"));

        Assert.Equal(["b"], rig.Monitor.Networks("n3").Keys);
        Assert.Equal(["a", "b"], rig.Monitor.Networks("n2").Keys);
        Assert.Throws<ArgumentException>(() => rig.Monitor.State("n3", "a"));

        rig.Steps(10, ("n2", "a"), ("n3", "b"));
        Assert.Equal(["n1", "n2", "n3"], rig.Members());
        Assert.Equal("b", rig.Monitor.ControlNetwork("n3"));
    }

    [Fact]
    public void ForNodeLinksPeersWhereBothNodesHaveAnAddressInConfiguredPriority()
    {
        static NodeConfig Node(string name, params string[] networks) =>
            new(name, networks.ToDictionary(n => n, n => $"{name}.{n}:5405"), null, null, NodeRole.Server);
        var config = new ClusterConfig(
            new ClusterSettings("c", 1, ClusterMode.HighAvailability, null, null, NoQuorumAction.Stop, Timing),
            [new NetworkConfig("b"), new NetworkConfig("a"), new NetworkConfig("c")],
            [Node("n3", "b"), Node("n1", "a", "b"), Node("n2", "a", "b", "c")],
            [], [], [], [], [], [], []);

        var monitor = HeartbeatMonitor.ForNode(config, "n1");

        Assert.Equal(["n2", "n3"], monitor.Peers);
        Assert.Equal(["b", "a", "c"], monitor.NetworkPriority);
        Assert.Equal(["b", "a"], monitor.Networks("n2").Keys);
        Assert.Equal(["b"], monitor.Networks("n3").Keys);
        Assert.Equal(MembershipView.Alone("n1").Members, monitor.View.Members);
    }
}
