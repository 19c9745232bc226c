using System.Collections.Immutable;
using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Decisions;

namespace Vigil.Core.Coordination;

public sealed partial class Coordinator
{
    /// <summary>
    /// Places every group: an owned group is kept, or released when its owner became ineligible or (failback
    /// auto) a better node is back; an unowned group is assigned to the first eligible node of its run-time
    /// domain (high availability) or the least loaded one (load sharing). A group is assigned only while it has
    /// no owner — its previous owner confirmed the stop or was fenced — which is what keeps one owner at a time.
    /// </summary>
    private void PlaceGroups(PlanBuilder plan)
    {
        var rebalanced = false;
        foreach (var group in config.ResourceGroups)
        {
            if (plan.Full)
                return;
            var record = plan.State.Groups[group.Name];
            if (record.Owner is null)
                AssignUnowned(plan, group, record);
            else
                rebalanced |= KeepOrRelease(plan, group, record, rebalanced);
        }
    }

    /// <returns>True when it released a group to rebalance load (one per plan, to move gently).</returns>
    private bool KeepOrRelease(PlanBuilder plan, ResourceGroupConfig group, GroupRecord record, bool rebalancedAlready)
    {
        var owner = record.Owner!;
        var ownerRecord = plan.State.Nodes[owner];
        if (ownerRecord.Health != NodeHealth.Up || ownerRecord.Admin == NodeAdminState.Maintenance || record.Target != GroupTarget.Running)
            return false;
        if (!seen.Reports.ContainsKey(owner))
            return false; // a new coordinator has not heard from the owner yet: wait for its report, don't release
        var eligible = Candidates(plan.State, record, attention: false);
        var policy = config.PolicyOf(group);
        var why = Ineligibility(plan.State, record, owner);
        if (why is not null)
        {
            Release(plan, record, $"{group.Name} leaves {owner}: {owner} is {why}");
            return false;
        }
        if (!eligible.Contains(owner))
        {
            if (eligible.Count > 0)
                Release(plan, record, $"{group.Name} leaves {owner}: critical device failing on {owner}, {eligible[0]} is healthy");
            else
                NoticeOnce(plan, group.Name, $"{group.Name} stays on {owner} in active attention: no fully eligible node left");
            return false;
        }
        if (config.Cluster.Mode == ClusterMode.HighAvailability)
        {
            var better = FailbackTarget(policy, record, eligible);
            if (better is not null && better != owner)
                Release(plan, record, $"{group.Name}: failback from {owner} to {better} (failback: auto)");
            return false;
        }
        return !rebalancedAlready && Rebalance(plan, policy, record, eligible);
    }

    /// <summary>Auto failback goes to the best eligible node; controlled failback only to an operator's moved-to node.</summary>
    private static string? FailbackTarget(FailoverPolicyConfig policy, GroupRecord record, List<string> eligible)
    {
        if (record.MoveTo is not null && eligible.Contains(record.MoveTo))
            return record.MoveTo;
        return policy.Failback == FailbackMode.Auto ? eligible[0] : null;
    }

    /// <summary>Load sharing with failback auto: move one group off a node holding two more than the least loaded.</summary>
    private bool Rebalance(PlanBuilder plan, FailoverPolicyConfig policy, GroupRecord record, List<string> eligible)
    {
        if (policy.Failback != FailbackMode.Auto)
            return false;
        // One move at a time: a released group still counts on its owner until it stopped, so without this every
        // following plan of the commit chain would release another group for the same imbalance.
        if (plan.State.Groups.Values.Any(g => g.Owner is not null && g.Target == GroupTarget.Stopped))
            return false;
        var owner = record.Owner!;
        var lightest = eligible.MinBy(n => Load(plan.State, n))!;
        if (Load(plan.State, owner) - Load(plan.State, lightest) < 2)
            return false;
        Release(plan, record, $"{record.Name} leaves {owner} to balance load ({owner} runs {Load(plan.State, owner)} groups, {lightest} {Load(plan.State, lightest)})");
        return true;
    }

    private void Release(PlanBuilder plan, GroupRecord record, string reason)
    {
        seen.Causes[record.Name] = reason;
        plan.Decide(new GroupReleased(record.Name, record.Owner!, reason));
    }

    private void AssignUnowned(PlanBuilder plan, ResourceGroupConfig group, GroupRecord record)
    {
        var policy = config.PolicyOf(group);
        if (record.Recovering && !FormationSettled(plan))
        {
            NoticeOnce(plan, group.Name, $"{group.Name} waits for the cluster to form (every node joined, or {Text.Duration(config.Cluster.Timing.DeadTime)} after quorum)");
            return;
        }
        if (!RuntimeDomainReady(plan, policy, record))
            return;
        record = plan.State.Groups[group.Name];
        if (record.Recovering && policy.Recovery == RecoveryMode.InPlace && record.LastOwner is { } last)
        {
            if (Ineligibility(plan.State, record, last) is null)
                Assign(plan, record, last, HasFailedCriticalDevice(last), "recovery: in-place on the node where it last ran");
            else
                NoticeOnce(plan, group.Name, $"{group.Name} waits for {last} (recovery: in-place): {last} is {Ineligibility(plan.State, record, last)}");
            return;
        }
        var eligible = Candidates(plan.State, record, attention: false);
        if (eligible.Count > 0)
        {
            Assign(plan, record, Choose(plan.State, eligible), false, null);
            return;
        }
        var attention = Candidates(plan.State, record, attention: true);
        if (attention.Count > 0)
        {
            Assign(plan, record, attention[0], true, "no eligible node left: active attention despite a failing critical device");
            return;
        }
        NoticeOnce(plan, group.Name, $"{group.Name} cannot run anywhere: {WhyNowhere(plan.State, record)}");
    }

    /// <summary>
    /// A forming cluster places its groups once every node joined and reported, or one dead time after it
    /// gained quorum (Pacemaker's dc-deadtime), so the first placement follows the domains' ranks rather than
    /// whichever node booted first.
    /// </summary>
    private bool FormationSettled(PlanBuilder plan) =>
        config.Nodes.All(n => seen.View.Contains(n.Name) && seen.Reports.ContainsKey(n.Name))
        || (seen.QuorateSince is { } since && plan.Now - since >= config.Cluster.Timing.DeadTime);

    private string Choose(ClusterState state, List<string> eligible) =>
        config.Cluster.Mode == ClusterMode.LoadSharing ? eligible.MinBy(n => Load(state, n))! : eligible[0];

    private void Assign(PlanBuilder plan, GroupRecord record, string node, bool activeAttention, string? note)
    {
        var cause = seen.Causes.Remove(record.Name, out var c) ? c : record.Recovering ? "cluster formed" : "placing a stopped group";
        var reason = $"{record.Name} -> {node}: {cause}" + (note is null ? "" : $"; {note}");
        seen.LastNotice.Remove(record.Name);
        plan.Decide(new GroupAssigned(record.Name, node, record.Generation + 1, activeAttention, reason));
    }

    /// <summary>
    /// Runs the failover script for this allocation (FailSafe): ordered keeps the domain, round-robin rotates
    /// the last owner to the end, a custom script is run by the host and its answer awaited.
    /// </summary>
    /// <returns>True when the run-time domain for this allocation is known.</returns>
    private bool RuntimeDomainReady(PlanBuilder plan, FailoverPolicyConfig policy, GroupRecord record)
    {
        switch (policy.Script)
        {
            case FailoverScriptKind.RoundRobin when record.LastOwner is { } last && record.RuntimeDomain.Contains(last):
                var rotated = RotatePast(record.RuntimeDomain, last);
                if (!rotated.SequenceEqual(record.RuntimeDomain))
                    plan.Decide(new RuntimeDomainChanged(record.Name, rotated, $"{record.Name}: round-robin moves past {last}: [{string.Join(", ", rotated)}]"));
                return true;
            case FailoverScriptKind.Custom when seen.ScriptDoneForGeneration.GetValueOrDefault(record.Name, -1) != record.Generation:
                if (!seen.ScriptsInFlight.Contains(record.Name))
                    plan.Do(new RunFailoverScript(record.Name, policy.ScriptPath!, record.RuntimeDomain,
                        [.. seen.View.Members.Where(m => plan.State.Nodes[m].Health == NodeHealth.Up).Order(StringComparer.Ordinal)]));
                return false;
            default:
                return true;
        }
    }

    /// <summary>The domain rotated so that the node after <paramref name="last"/> comes first and <paramref name="last"/> is last.</summary>
    internal static ImmutableArray<string> RotatePast(ImmutableArray<string> domain, string last)
    {
        var i = domain.IndexOf(last);
        return [.. domain.Skip(i + 1), .. domain.Take(i + 1)];
    }
}
