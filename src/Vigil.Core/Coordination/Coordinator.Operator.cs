using Vigil.Core.Cluster;
using Vigil.Core.Decisions;

namespace Vigil.Core.Coordination;

public sealed partial class Coordinator
{
    /// <summary>Operator commands become decisions, or a notice saying why not.</summary>
    private void ApplyOperatorCommands(PlanBuilder plan)
    {
        while (seen.OperatorCommands.Count > 0 && !plan.Full)
        {
            var command = seen.OperatorCommands.Dequeue();
            var refusal = Refusal(config, plan.State, command) ?? InFlightRefusal(command);
            if (refusal is not null)
            {
                plan.Notice($"operator command refused: {refusal}");
                continue;
            }
            Apply(plan, command);
        }
    }

    /// <summary>
    /// Why an operator command cannot be carried out on this configuration and state, or null when it can. The
    /// host asks this first to answer the operator at once; the coordinator checks again when it applies the command.
    /// </summary>
    public static string? Refusal(Configuration.ClusterConfig config, ClusterState state, OperatorCommand command) => command switch
    {
        FenceNodeNow f when !config.HasNode(f.Node) => $"no node named {f.Node}",
        FenceNodeNow f when config.Node(f.Node).Fence is null => $"{f.Node} has no fence device (set nodes[].fence in the configuration)",
        MoveGroup m when !config.HasGroup(m.Group) => $"no resource group named {m.Group}",
        MoveGroup m when !config.HasNode(m.Node) => $"no node named {m.Node}",
        MoveGroup m when !config.PolicyOf(config.Group(m.Group)).Domain.Contains(m.Node) =>
            $"{m.Node} is not in the failover domain of {m.Group} ({string.Join(", ", config.PolicyOf(config.Group(m.Group)).Domain)})",
        SetNodeAdmin s when !config.HasNode(s.Node) => $"no node named {s.Node}",
        FailbackNow f when !config.HasGroup(f.Group) => $"no resource group named {f.Group}",
        ClearFailures c when !config.HasGroup(c.Group) => $"no resource group named {c.Group}",
        ClearFailures c when c.Node is not null && !config.HasNode(c.Node) => $"no node named {c.Node}",
        _ => null,
    };

    private string? InFlightRefusal(OperatorCommand command) =>
        command is FenceNodeNow f && seen.FencesInFlight.ContainsKey(f.Node) ? $"fencing {f.Node} is already in progress" : null;

    private void Apply(PlanBuilder plan, OperatorCommand command)
    {
        switch (command)
        {
            case MoveGroup m:
                plan.Decide(new GroupMoveRequested(m.Group, m.Node, $"operator: move {m.Group} to {m.Node}"));
                seen.Causes[m.Group] = $"operator moved it to {m.Node}";
                break;
            case SetNodeAdmin s:
                plan.Decide(new NodeAdminChanged(s.Node, s.State, $"operator: {s.Node} {s.State.ToString().ToLowerInvariant()}"));
                break;
            case FailbackNow f:
                plan.Decide(new FailbackRequested(f.Group, $"operator: failback {f.Group} to its best domain node"));
                seen.Causes[f.Group] = "operator asked for failback";
                ReleaseForFailback(plan, f.Group);
                break;
            case FenceNodeNow f:
                var fence = config.Node(f.Node).Fence!;
                var attempt = plan.State.Nodes[f.Node].FenceAttempts + 1;
                seen.OperatorFences.Add(f.Node);
                plan.Decide(new FenceRequested(f.Node, attempt, $"operator: fence {f.Node} via {fence.Device} (attempt {attempt})"));
                plan.Do(new FenceNode(f.Node, attempt, fence.Device, fence.Port));
                break;
            case ClearFailures c:
                plan.Decide(new FailuresCleared(c.Group, c.Node,
                    $"operator: cleared failure counts of {c.Group}" + (c.Node is null ? "" : $" on {c.Node}")));
                break;
        }
    }

    /// <summary>A failback request moves the group now if a better node than its owner is eligible.</summary>
    private void ReleaseForFailback(PlanBuilder plan, string group)
    {
        var record = plan.State.Groups[group];
        if (record.Owner is null || record.Target != GroupTarget.Running)
            return;
        var best = Candidates(plan.State, record, attention: false).FirstOrDefault();
        if (best is not null && best != record.Owner)
            plan.Decide(new GroupReleased(group, record.Owner, $"{group}: failback from {record.Owner} to {best} (operator)"));
    }
}
