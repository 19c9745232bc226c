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
        var own = config.Node(self);
        return new HeartbeatMonitor(
            self,
            config.Nodes.Select(n => n.Name).Where(n => n != self).ToArray(),
            config.Networks.Select(n => n.Name).ToArray(),
            config.Cluster.Timing,
            (peer, network) => own.Addresses.ContainsKey(network) && config.Node(peer).Addresses.ContainsKey(network));
    }
}
