using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Node;
using Vigil.Core.Quorum;

namespace Vigil.Simulation;

/// <summary>
/// Responsible for the safety invariants, checked after every event against the truth (not any node's belief):
/// (a) no group has resources running on two nodes at once; (b) with no_quorum: stop, a node whose true
/// partition lost quorum starts nothing after DeadTime + 1 heartbeat, and runs no group after DeadTime + the
/// group's stop timeouts + 2 heartbeats. The true partition is the node's component over links that work both
/// ways; its quorum counts the nodes fenced in the committed state. The tiebreaker half of a 50/50 split
/// (FailSafe: it keeps the cluster while it fences the other half) may keep what it runs and restart it in place,
/// but starts no group that does not already run there until its fences make it quorate. A node that loses quorum
/// while some link is cut one way only gets one more DeadTime + heartbeat: its view may still hold peers that no
/// longer hear it, so only its lease stops it — the leader stops renewing within a DeadTime (check-quorum), and
/// the lease runs out a DeadTime later (<see cref="Core.Quorum.SelfFenceBound"/> counts both).
/// </summary>
internal sealed class InvariantChecker
{
    private readonly ClusterConfig config;
    private readonly bool checkQuorum;
    private readonly TimeSpan startDeadline;
    private readonly TimeSpan oneWayGrace;
    private readonly Dictionary<string, TimeSpan> runDeadlineOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> groupOfResource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> lostQuorumAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> tiebreakerSince = new(StringComparer.Ordinal);

    public InvariantChecker(ClusterConfig config)
    {
        this.config = config;
        var timing = config.Cluster.Timing;
        checkQuorum = config.Cluster.NoQuorum == NoQuorumAction.Stop;
        startDeadline = timing.DeadTime + timing.HeartbeatInterval;
        oneWayGrace = timing.DeadTime + timing.HeartbeatInterval;
        var catalog = new ResourceTypeCatalog(config.ResourceTypes);
        foreach (var group in config.ResourceGroups)
        {
            var stops = group.Resources.Aggregate(TimeSpan.Zero, (sum, r) => sum + catalog.Resolve(config.Resource(r).Type).Timeouts.Stop);
            runDeadlineOf[group.Name] = timing.DeadTime + stops + 2 * timing.HeartbeatInterval;
            foreach (var resource in group.Resources) groupOfResource[resource] = group.Name;
        }
    }

    /// <summary>
    /// Re-evaluates every node's true quorum against the committed state (its fenced nodes); call after the truth
    /// or the committed state changed.
    /// </summary>
    public void UpdateQuorum(TimeSpan now, Topology truth, ClusterState committed)
    {
        var fenced = committed.FencedNodes.ToList();
        foreach (var node in truth.Nodes)
        {
            var status = truth.IsUp(node) ? QuorumRule.Evaluate(config, truth.ComponentOf(node), fenced) : QuorumStatus.Quorate;
            if (status == QuorumStatus.NoQuorum) lostQuorumAt.TryAdd(node, truth.HasOneWayCuts ? now + oneWayGrace : now);
            else lostQuorumAt.Remove(node);
            if (status == QuorumStatus.TiebreakerMayFence) tiebreakerSince.TryAdd(node, now);
            else tiebreakerSince.Remove(node);
        }
    }

    /// <summary>(b) for a start or restart that begins now on the node; null when fine.</summary>
    public string? CheckStart(TimeSpan now, string node, RunAction action, SimResources resources)
    {
        if (!checkQuorum || action.Action is not (ResourceAction.Start or ResourceAction.Restart)) return null;
        var restartInPlace = config.Group(action.Group).Resources.Any(r => resources.IsRunning(node, r));
        if (tiebreakerSince.TryGetValue(node, out var tie) && !restartInPlace && now - tie > startDeadline)
            return $"{node} began {action.Action.ToString().ToLowerInvariant()} of {action.Resource} ({action.Group} not running there) " +
                   $"on the tiebreaker half {Seconds(now - tie)} before its fences made it quorate (limit {Seconds(startDeadline)})";
        if (!lostQuorumAt.TryGetValue(node, out var lost) || now - lost <= startDeadline) return null;
        return $"{node} began {action.Action.ToString().ToLowerInvariant()} of {action.Resource} " +
               $"{Seconds(now - lost)} after losing quorum at {Seconds(lost)} (limit {Seconds(startDeadline)})";
    }

    /// <summary>(a) then (b) against the resource truth; the first problem, or null.</summary>
    public (ViolationKind Kind, string Message)? CheckAfterEvent(TimeSpan now, SimResources resources, Topology truth)
    {
        foreach (var group in config.ResourceGroups)
        {
            var hosts = truth.Nodes.Where(n => group.Resources.Any(r => resources.IsRunning(n, r))).ToList();
            if (hosts.Count > 1)
                return (ViolationKind.DoubleOwner, $"group {group.Name} runs on {string.Join(" and ", hosts.Select(h => Describe(h, group, resources)))}");
            if (hosts.Count == 1 && RunsTooLongWithoutQuorum(now, hosts[0], group) is { } message)
                return (ViolationKind.Quorum, message);
        }
        return null;
    }

    private string? RunsTooLongWithoutQuorum(TimeSpan now, string node, ResourceGroupConfig group)
    {
        if (!checkQuorum || !lostQuorumAt.TryGetValue(node, out var lost)) return null;
        var limit = runDeadlineOf[group.Name];
        return now - lost <= limit ? null
            : $"{node} still runs group {group.Name} {Seconds(now - lost)} after losing quorum at {Seconds(lost)} (limit {Seconds(limit)})";
    }

    private static string Describe(string node, ResourceGroupConfig group, SimResources resources) =>
        $"{node} ({string.Join(", ", group.Resources.Where(r => resources.IsRunning(node, r)))})";

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:F3}s";
}
