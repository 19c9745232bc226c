using Vigil.Core.Cluster;
using Vigil.Core.Decisions;
using Vigil.Core.Quorum;

namespace Vigil.Core.Coordination;

public sealed partial class Coordinator
{
    /// <summary>
    /// Nodes that joined or left the membership. A node rejoins only once it reported (so its groups are known)
    /// and, after a fence, only from a newer incarnation (it was reset). A node never seen since the cluster
    /// formed counts as failed after one dead time, so it is fenced before anything it may run moves (startup fencing).
    /// </summary>
    private void RecordMembership(PlanBuilder plan, bool joins)
    {
        var deadTime = config.Cluster.Timing.DeadTime;
        foreach (var node in config.Nodes)
        {
            var record = plan.State.Nodes[node.Name];
            var inView = seen.View.Contains(node.Name);
            if (inView && joins && record.Health != NodeHealth.Up && MayRejoin(node.Name, record))
                plan.Decide(new NodeJoined(node.Name, $"{node.Name} joined the membership", seen.Reports[node.Name].Incarnation));
            else if (inView && joins && record.Health == NodeHealth.Up && seen.Reports.TryGetValue(node.Name, out var restarted) && restarted.Incarnation > record.Incarnation)
                plan.Decide(new NodeJoined(node.Name, $"{node.Name} joined again (agent restarted: incarnation {restarted.Incarnation})", restarted.Incarnation));
            else if (!inView && record.Health == NodeHealth.Up)
                plan.Decide(new NodeFailed(node.Name, $"{node.Name} failed: silent on every network for {Text.Duration(deadTime)}"));
            else if (!inView && record.Health == NodeHealth.Unknown && seen.QuorateSince is { } since && plan.Now - since >= deadTime)
                plan.Decide(new NodeFailed(node.Name, $"{node.Name} has not joined since the cluster formed: its state is unknown"));
        }
    }

    private bool MayRejoin(string node, NodeRecord record)
    {
        if (!seen.Reports.TryGetValue(node, out var report))
            return false;
        return record.Health != NodeHealth.Fenced
            || !seen.FencedIncarnation.TryGetValue(node, out var fencedAt)
            || report.Incarnation > fencedAt;
    }

    /// <summary>Commits fence answers: success frees the node's groups; failure schedules a retry with back-off.</summary>
    private void RecordFenceResults(PlanBuilder plan)
    {
        foreach (var result in seen.FenceResults)
        {
            var device = config.Node(result.Node).Fence?.Device ?? "?";
            var byOperator = seen.OperatorFences.Remove(result.Node);
            if (result.Success)
            {
                foreach (var group in OwnedGroups(plan.State, result.Node))
                    seen.Causes[group] = $"{result.Node} failed and was fenced by {device}";
                plan.Decide(new NodeFenced(result.Node, $"{result.Node} fenced by {device}: it runs nothing now"));
                continue;
            }
            if (plan.State.Nodes[result.Node].Health != NodeHealth.Failed)
            {
                // An operator's fence of a node that had not failed: report the failure, nothing waits for a retry.
                if (byOperator)
                    plan.Decide(new FenceFailed(result.Node, result.Attempt, plan.Now,
                        $"operator fence of {result.Node} via {device} failed ({result.Detail}); {result.Node} was not failed, so nothing retries it"));
                continue;
            }
            var delay = FenceBackoff(result.Attempt);
            var owned = OwnedGroups(plan.State, result.Node);
            plan.Decide(new FenceFailed(result.Node, result.Attempt, plan.Now + delay,
                $"fencing {result.Node} via {device} failed ({result.Detail}); " +
                (owned.Count > 0 ? $"{string.Join(", ", owned)} stay stopped; " : "") +
                $"retry {result.Attempt + 1} in {Text.Duration(delay)}"));
        }
        seen.FenceResults.Clear();
    }

    /// <summary>
    /// Fence every failed node before anything it owned starts elsewhere (FailSafe resets the failed node).
    /// A failed node back in the view is not fenced: it rejoins once its report arrives.
    /// Without a fence device, its groups start elsewhere only once the node surely stopped them on its own
    /// (<see cref="SelfFenceBound"/> after this coordinator saw it fail).
    /// </summary>
    private void RequestFencing(PlanBuilder plan)
    {
        foreach (var node in config.Nodes) // config order: decisions must not depend on hash order
        {
            var record = plan.State.Nodes[node.Name];
            if (record.Health != NodeHealth.Failed || seen.View.Contains(node.Name))
            {
                seen.FailedSince.Remove(node.Name);
                continue;
            }
            if (options.UnsafeSkipFencing)
            {
                plan.Decide(new NodeFenced(node.Name, $"UNSAFE: {node.Name} treated as fenced without fencing"));
                continue;
            }
            if (node.Fence is null)
            {
                SelfFenceTakeover(plan, node.Name);
                continue;
            }
            var attempt = record.FenceAttempts + 1;
            if (seen.FencesInFlight.TryGetValue(node.Name, out var flight))
            {
                if (plan.Now - flight.Since < options.FenceTimeout)
                    continue;
                // No answer within the fence timeout: a failure. The retry gets a new number, so a late answer
                // to the lost attempt is never taken for the retry's.
                attempt = Math.Max(attempt, flight.Attempt + 1);
                plan.Notice($"fencing {node.Name} (attempt {flight.Attempt}) did not answer within {Text.Duration(options.FenceTimeout)}: counted as failed");
            }
            else if (record.NextFenceAt is { } at && plan.Now < at)
            {
                continue;
            }
            var groups = OwnedGroups(plan.State, node.Name);
            plan.Decide(new FenceRequested(node.Name, attempt,
                $"fencing {node.Name} via {node.Fence.Device} (attempt {attempt})" +
                (groups.Count > 0 ? $" before {string.Join(", ", groups)} start elsewhere" : "")));
            plan.Do(new FenceNode(node.Name, attempt, node.Fence.Device, node.Fence.Port));
        }
    }

    /// <summary>
    /// A failed node without a fence device counts as fenced once the self-fence bound passed since this
    /// coordinator first saw it failed (a new coordinator starts the wait again: never shorter, only longer).
    /// </summary>
    private void SelfFenceTakeover(PlanBuilder plan, string node)
    {
        var bound = selfFenceBound;
        var since = seen.FailedSince.TryGetValue(node, out var at) ? at : seen.FailedSince[node] = plan.Now;
        var owned = OwnedGroups(plan.State, node);
        if (plan.Now - since >= bound)
        {
            plan.Decide(new NodeFenced(node,
                $"{node} has no fence device; its self-fence bound of {Text.Duration(bound)} passed, so it stopped everything on its own"));
            seen.FailedSince.Remove(node);
        }
        else if (owned.Count > 0)
        {
            NoticeOnce(plan, node, $"{node} failed and has no fence device: {string.Join(", ", owned)} stay stopped until its self-fence bound of {Text.Duration(bound)} passes");
        }
    }

    private TimeSpan FenceBackoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 20));
        return TimeSpan.FromTicks((long)Math.Min(options.FenceRetryBase.Ticks * factor, options.FenceRetryMax.Ticks));
    }

    private static List<string> OwnedGroups(ClusterState state, string node) =>
        state.Groups.Values.Where(g => g.Owner == node).Select(g => g.Name).Order(StringComparer.Ordinal).ToList();
}
