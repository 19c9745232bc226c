using Vigil.Core.Configuration;

namespace Vigil.Core.Quorum;

/// <summary>
/// How long after the coordinator declared a node failed that node has surely stopped every group on its own
/// (the watchdog-style self-fence), so its groups may start elsewhere even without a fence device.
///
/// A node cut off from the cluster stops renewing its lease: the leader renews leases only while it heard from a
/// quorum within one dead time, and a node keeps its groups only while a renewal reached it within one dead time —
/// two dead times at most, plus one heartbeat for each timer's granularity. Then it stops its groups, each within
/// the sum of its resources' stop timeouts (groups stop in parallel); a stop that fails or times out makes the node
/// reset itself. One more heartbeat of margin for message delay, and one because an unchanged renewal waits for the
/// next heartbeat to its node and travels with it (the agent's routine bundles, docs/agent.md). The coordinator declares the node failed no sooner
/// than one dead time after the cut, so waiting this bound after that point is conservative by a dead time.
/// Assumes the node's agent runs (is not frozen longer than the bound); a hardware watchdog or a fence device
/// removes that assumption — see docs/design/quorum.md.
/// </summary>
public static class SelfFenceBound
{
    public static TimeSpan Of(ClusterConfig config)
    {
        var timing = config.Cluster.Timing;
        var catalog = new ResourceTypeCatalog(config.ResourceTypes);
        var longestStop = config.ResourceGroups.Select(g => StopTime(config, catalog, g)).DefaultIfEmpty(TimeSpan.Zero).Max();
        return 2 * timing.DeadTime + 4 * timing.HeartbeatInterval + longestStop;
    }

    /// <summary>The longest a group's stop can take: its resources stop one after another, each within its stop timeout.</summary>
    public static TimeSpan StopTime(ClusterConfig config, ResourceTypeCatalog catalog, ResourceGroupConfig group) =>
        group.Resources.Aggregate(TimeSpan.Zero, (sum, r) => sum + catalog.Resolve(config.Resource(r).Type).Timeouts.Stop);
}
