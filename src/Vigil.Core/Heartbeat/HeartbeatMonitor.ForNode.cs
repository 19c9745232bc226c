using Vigil.Core.Configuration;

namespace Vigil.Core.Heartbeat;

/// <summary>Building a monitor from the cluster configuration.</summary>
public sealed partial class HeartbeatMonitor
{
    /// <summary>
    /// The monitor of node <paramref name="self"/>: every other node is a peer, the configured networks in their
    /// priority order, and a link wherever both nodes have an address on the network.
    /// </summary>
    public static HeartbeatMonitor ForNode(ClusterConfig config, string self)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new HeartbeatMonitor(self, PeersOf(config, self), config.Networks.Select(n => n.Name).ToArray(),
            config.Cluster.Timing, LinksOf(config, self));
    }

    /// <summary>
    /// A newly committed configuration: its nodes become the peers (<see cref="SetPeers"/>). A configuration
    /// without this node changes nothing (this node was removed, or it is still catching up to the version that
    /// added it). The timing and networks stay those the monitor was built with.
    /// </summary>
    public void SetPeers(ClusterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.HasNode(self)) return;
        SetPeers(PeersOf(config, self), LinksOf(config, self));
    }

    private static string[] PeersOf(ClusterConfig config, string self) =>
        config.Nodes.Select(n => n.Name).Where(n => n != self).ToArray();

    /// <summary>A link wherever both nodes have an address on the network.</summary>
    private static Func<string, string, bool> LinksOf(ClusterConfig config, string self)
    {
        var own = config.Node(self);
        return (peer, network) => own.Addresses.ContainsKey(network) && config.Node(peer).Addresses.ContainsKey(network);
    }
}
