namespace Vigil.Core.Configuration;

/// <summary>The cluster section and nodes.</summary>
internal sealed partial class ConfigValidator
{
    private void CheckCluster()
    {
        var settings = config.Cluster;
        if (settings.Tiebreaker is { } tiebreaker)
            CheckKnown(tiebreaker, nodes.Keys, "node", "in cluster.tiebreaker; the tiebreaker must be a node",
                m => Report(settings, "tiebreaker", m));
    }

    private void CheckNodes()
    {
        var networks = config.Networks.Select(n => n.Name).ToList();
        var devices = config.FenceDevices.Select(d => d.Name).ToList();
        foreach (var node in config.Nodes)
        {
            if (node.Addresses.Count == 0)
                Report(node, "name", $"node '{node.Name}' has no address; give it an address on at least one network");
            foreach (var network in node.Addresses.Keys)
                CheckKnown(network, networks, "network", $"in the addresses of node '{node.Name}'",
                    m => Report(node, "addresses." + network, m));
            if (node.Fence is { } fence)
                CheckKnown(fence.Device, devices, "fence device", $"for node '{node.Name}'", m => Report(fence, "device", m));
        }
    }
}
