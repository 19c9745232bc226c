using Vigil.Core.Cluster;
using Vigil.Core.Decisions;

namespace Vigil.Core.Coordination;

public sealed partial class Coordinator
{
    /// <summary>
    /// A cluster forms when this partition gains quorum, every member has reported, and no member runs any
    /// group: then each group's recovery attribute applies to its next start.
    /// </summary>
    private void RecordFormation(PlanBuilder plan)
    {
        if (seen.FormationJudged || seen.View.Members.Any(m => !seen.Reports.ContainsKey(m)))
            return;
        seen.FormationJudged = true;
        var anyActive = seen.Reports.Values.SelectMany(r => r.Groups).Any(g => g.Phase is not (GroupPhase.Stopped or GroupPhase.Failed));
        // Any owner counts, member or not: a group on a failed, not yet fenced node may still run (a coordinator
        // taking over after its node failed is not a cluster formation).
        var anyOwned = plan.State.Groups.Values.Any(g => g.Owner is not null);
        if (!anyActive && !anyOwned && plan.State.Groups.Values.Any(g => !g.Recovering))
            plan.Decide(new ClusterFormed($"cluster formed with {string.Join(", ", seen.View.Members.Order(StringComparer.Ordinal))}"));
    }

    /// <summary>
    /// Owners' reports confirm stops and failures. Only a report naming the group's current generation counts,
    /// so an old report can never free a newer assignment; a stop confirms a release only from a report built
    /// after the node applied that release (an earlier "stopped" may have been followed by a restart).
    /// </summary>
    private void RecordGroupReports(PlanBuilder plan)
    {
        foreach (var group in config.ResourceGroups) // config order: decisions must not depend on hash order
        {
            var record = plan.State.Groups[group.Name];
            if (record.Owner is null || !seen.Reports.TryGetValue(record.Owner, out var report))
                continue;
            var status = report.For(record.Name);
            if (status is null || status.Generation != record.Generation)
                continue;
            if (status.Phase == GroupPhase.Failed)
            {
                var cause = $"{record.Name} failed on {record.Owner} ({status.Detail ?? "no detail"})";
                seen.Causes[record.Name] = cause;
                plan.Decide(new GroupFailed(record.Name, record.Owner, cause));
            }
            else if (status.Phase == GroupPhase.Stopped && record.Target == GroupTarget.Stopped && report.StateVersion >= record.ReleasedAt)
            {
                plan.Decide(new GroupStopped(record.Name, record.Owner, $"{record.Name} stopped on {record.Owner}"));
            }
        }
    }

    /// <summary>Custom failover script answers become the stored run-time domain (FailSafe).</summary>
    private void RecordScriptResults(PlanBuilder plan)
    {
        foreach (var (group, result) in seen.ScriptResults)
        {
            var generation = plan.State.Groups[group].Generation;
            seen.ScriptDoneForGeneration[group] = generation;
            if (result.Domain is { } domain)
            {
                var known = domain.Where(config.HasNode).Distinct().ToList();
                plan.Decide(new RuntimeDomainChanged(group, [.. known],
                    $"{group}: failover script returned run-time domain [{string.Join(", ", known)}]"));
            }
            else
            {
                plan.Notice($"{group}: failover script failed ({result.Error}); keeping run-time domain [{string.Join(", ", plan.State.Groups[group].RuntimeDomain)}]");
            }
        }
        seen.ScriptResults.Clear();
    }
}
