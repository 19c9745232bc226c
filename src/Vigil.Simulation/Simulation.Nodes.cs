using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Core.Node;

namespace Vigil.Simulation;

/// <summary>The node host: boot, crash, ticks, and executing the controller's commands.</summary>
public sealed partial class Simulation
{
    private void Boot(SimNode node)
    {
        if (node.Alive) return;
        node.Alive = true;
        node.Incarnation++;
        node.Controller = new NodeController(config, node.Name, node.Incarnation);
        node.Coordinator = new Coordinator(config, node.Name, options.EffectiveCoordinatorOptions);
        SetTruth(() => topology.SetUp(node.Name, true));
        Log(SimLogKind.Node, node.Name, $"boots (incarnation {node.Incarnation})");
        var life = node.Incarnation;
        ChangeView(node, membership.NodeStarted(Now, node.Name));
        foreach (var device in node.FailedDevices.ToList())
            if (node.IsLife(life)) StepController(node, new CriticalDeviceChanged(device, Healthy: false));
        if (node.IsLife(life)) queue.Push(Now + FirstTickOffset(node), new NodeTickDue(node.Name, life));
    }

    /// <summary>The node's processes die: its resources stop at once, in-flight work is void (incarnation).</summary>
    private void Crash(SimNode node, string why)
    {
        if (!node.Alive) return;
        node.Die();
        resources.NodeDown(node.Name);
        SetTruth(() => topology.SetUp(node.Name, false));
        Log(SimLogKind.Node, node.Name, "down: " + why);
    }

    private void ScheduleReboot(SimNode node) => queue.Push(Now + options.RebootDelay, new RebootDue(node.Name, node.Incarnation));

    private void RebootIfStillDown(RebootDue e)
    {
        var node = nodes[e.Node];
        if (!node.Alive && node.Incarnation == e.CrashedIncarnation) Boot(node);
    }

    private void Tick(NodeTickDue e)
    {
        var node = nodes[e.Node];
        if (!node.IsLife(e.Incarnation)) return;
        if (membership.Poll(Now, node.Name) is { } view) ChangeView(node, view);
        if (node.IsLife(e.Incarnation)) StepController(node, new NodeTick());
        if (node.IsLife(e.Incarnation) && IsActive(node)) StepCoordinator(node, new CoordinatorTick());
        if (node.IsLife(e.Incarnation)) queue.Push(Now + config.Cluster.Timing.HeartbeatInterval, e);
    }

    private void ChangeView(SimNode node, MembershipView view)
    {
        var life = node.Incarnation;
        node.View = view;
        Log(SimLogKind.Membership, node.Name, $"view {view.ViewId}: [{string.Join(",", config.Nodes.Select(n => n.Name).Where(view.Contains))}]");
        StepController(node, new NodeMembershipChanged(view));
        if (node.IsLife(life)) StepCoordinator(node, new MembershipChanged(view));
    }

    private void StepController(SimNode node, NodeInput input)
    {
        var life = node.Incarnation;
        var commands = node.Controller!.Step(Now, input);
        foreach (var command in commands)
        {
            if (!node.IsLife(life) || Stopped) return;
            Execute(node, command);
        }
    }

    private void Execute(SimNode node, NodeCommand command)
    {
        switch (command)
        {
            case RunAction action: BeginAction(node, action); break;
            case SendReport report: SendReportToCoordinator(node, report.Report); break;
            case NodeNotice notice: Log(SimLogKind.Notice, node.Name, notice.Message); break;
            case SelfFence fence:
                Crash(node, "self-fenced: " + fence.Reason);
                ScheduleReboot(node);
                break;
            default: throw new InvalidOperationException($"unknown node command {command.GetType().Name}");
        }
    }

    private void BeginAction(SimNode node, RunAction action)
    {
        if (checker.CheckStart(Now, node.Name, action, resources) is { } problem)
        {
            Fail(ViolationKind.Quorum, problem);
            return;
        }
        var (duration, timedOut) = resources.Begin(node.Name, action);
        Log(SimLogKind.Action, node.Name, $"{action.Action.ToString().ToLowerInvariant()} {action.Resource} ({action.Group}) #{action.ActionId}");
        queue.Push(Now + duration, new ActionFinishes(node.Name, node.Incarnation, action, timedOut));
    }

    private void FinishAction(ActionFinishes e)
    {
        var node = nodes[e.Node];
        if (!node.IsLife(e.Incarnation)) return;
        var (result, detail) = resources.Complete(node.Name, e.Action, e.TimedOut);
        Log(SimLogKind.Action, node.Name,
            $"{e.Action.Action.ToString().ToLowerInvariant()} {e.Action.Resource} #{e.Action.ActionId}: {result.ToString().ToLowerInvariant()}{(detail.Length > 0 ? " (" + detail + ")" : "")}");
        StepController(node, new ActionCompleted(e.Action.ActionId, result, detail));
    }

    /// <summary>A pushed state reaches a node: its controller and coordinator take it if it is new to them.</summary>
    private void DeliverState(SimNode node, ClusterState state)
    {
        var life = node.Incarnation;
        if (node.ControllerNeeds(state))
        {
            node.MaxVersionApplied = state.Version;
            StepController(node, new NodeStateCommitted(state));
        }
        if (node.IsLife(life) && node.CoordinatorNeeds(state))
        {
            node.CoordinatorVersion = state.Version;
            StepCoordinator(node, new StateCommitted(state));
        }
    }

    private TimeSpan FirstTickOffset(SimNode node) =>
        config.Cluster.Timing.HeartbeatInterval * (nodesInOrder.IndexOf(node) + 1) / (nodesInOrder.Count + 1);

    /// <summary>Changes the truth and tells the membership service (and, after the event, the checker).</summary>
    private void SetTruth(Action change)
    {
        change();
        membership.TopologyChanged(Now, topology);
        truthChanged = true;
    }
}
