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
/// (FailSafe: it keeps the cluster while it fences the other half; split both ways, as a half that still hears the
/// other over a one-way link counts it in its view) may keep what it runs and restart it in place,
/// but starts no group anew (a resource's exclusive check, then its start, with nothing of its group running there)
/// until its fences make it quorate; such a start is judged from its exclusive check, where the controller began
/// it, so a start begun while the node's view was still quorate may finish. A node that loses quorum
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
    private readonly Dictionary<(string Node, string Resource), TimeSpan> exclusiveBegan = [];

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
            var stops = Core.Quorum.SelfFenceBound.StopTime(config, catalog, group);
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
            if (status == QuorumStatus.TiebreakerMayFence && SplitBothWays(truth, truth.ComponentOf(node))) tiebreakerSince.TryAdd(node, now);
            else tiebreakerSince.Remove(node);
        }
    }

    /// <summary>
    /// Whether no live node outside <paramref name="component"/> has a link to or from it that still works. Only
    /// then does the component's view lose the other half (and its coordinator fence it); a node that still hears
    /// the other half over a one-way link counts it in its view, and its quorum is Raft's and its leases' business.
    /// </summary>
    private static bool SplitBothWays(Topology truth, IReadOnlySet<string> component) =>
        truth.Nodes.Where(other => truth.IsUp(other) && !component.Contains(other))
            .All(other => component.All(member => !truth.LinkUp(other, member) && !truth.LinkUp(member, other)));

    /// <summary>
    /// (b) for an action that begins now on the node; null when fine. A start right after the resource's exclusive
    /// check starts it anew (judged from the check's beginning); a restart, or a start after a stop, restarts it in place.
    /// </summary>
    public string? CheckStart(TimeSpan now, string node, RunAction action, SimResources resources)
    {
        if (!checkQuorum) return null;
        var key = (node, action.Resource);
        if (action.Action == ResourceAction.Exclusive)
        {
            exclusiveBegan[key] = now;
            return null;
        }
        var checkedAt = exclusiveBegan.Remove(key, out var exclusive) ? exclusive : (TimeSpan?)null;
        if (action.Action is not (ResourceAction.Start or ResourceAction.Restart)) return null;
        var anew = action.Action == ResourceAction.Start && checkedAt is not null && !config.Group(action.Group).Resources.Any(r => resources.IsRunning(node, r));
        if (anew && tiebreakerSince.TryGetValue(node, out var tie) && checkedAt!.Value - tie > startDeadline)
            return $"{node} began start of {action.Resource} ({action.Group} not running there; its exclusive check began at {Seconds(checkedAt.Value)}) " +
                   $"on the tiebreaker half {Seconds(checkedAt.Value - tie)} before its fences made it quorate (limit {Seconds(startDeadline)})";
        if (!lostQuorumAt.TryGetValue(node, out var lost) || now - lost <= startDeadline) return null;
        return $"{node} began {action.Action.ToString().ToLowerInvariant()} of {action.Resource} " +
               $"{Seconds(now - lost)} after losing quorum at {Seconds(lost)} (limit {Seconds(startDeadline)})";
    }

    /// <summary>The node died: the starts it had begun died with it.</summary>
    public void NodeDown(string node)
    {
        foreach (var key in exclusiveBegan.Keys.Where(k => k.Node == node).ToList()) exclusiveBegan.Remove(key);
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
