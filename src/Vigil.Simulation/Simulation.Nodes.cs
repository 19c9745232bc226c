using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Core.Node;

namespace Vigil.Simulation;

/// <summary>The node host: boot, crash, the heartbeat tick, and the controller and the commands it gives.</summary>
public sealed partial class Simulation
{
    /// <summary>A node boots: Raft and the database recover from its storage; the controller comes with the committed configuration.</summary>
    private void Boot(SimNode node)
    {
        if (node.Alive) return;
        node.Alive = true;
        node.Incarnation++;
        node.BootedAt = Now;
        SetTruth(() => topology.SetUp(node.Name, true));
        Log(SimLogKind.Node, node.Name, $"boots (incarnation {node.Incarnation})");
        var life = node.Incarnation;
        ChangeView(node, membership.NodeStarted(Now, node.Name));
        StartRaft(node);
        if (node.IsLife(life)) ProcessReady(node);
        if (node.IsLife(life)) queue.Push(Now + FirstTickOffset(node), new NodeTickDue(node.Name, life));
    }

    /// <summary>The controller of this life, built from the committed configuration: it gets the view and the failed devices first.</summary>
    private void StartController(SimNode node)
    {
        var life = node.Incarnation;
        node.Controller = new NodeController(config, node.Name, node.Incarnation);
        Log(SimLogKind.Debug, node.Name, $"controller on config version {node.Database.ConfigVersion} (incarnation {node.Incarnation})");
        StepController(node, new NodeMembershipChanged(node.View));
        foreach (var device in node.FailedDevices.ToList())
            if (node.IsLife(life)) StepController(node, new CriticalDeviceChanged(device, Healthy: false));
    }

    /// <summary>The node's processes die: its resources stop at once, in-flight work is void (incarnation).</summary>
    private void Crash(SimNode node, string why)
    {
        if (!node.Alive) return;
        node.Die();
        resources.NodeDown(node.Name);
        checker.NodeDown(node.Name);
        SetTruth(() => topology.SetUp(node.Name, false));
        Log(SimLogKind.Node, node.Name, "down: " + why);
    }

    private void ScheduleReboot(SimNode node) => queue.Push(Now + options.RebootDelay, new RebootDue(node.Name, node.Incarnation));

    private void RebootIfStillDown(RebootDue e)
    {
        var node = nodes[e.Node];
        if (!node.Alive && node.Incarnation == e.CrashedIncarnation) Boot(node);
    }

    /// <summary>
    /// The heartbeat: membership news, one Raft tick, then the agent's heartbeat work — bootstrap, leases, the
    /// controller's tick, the coordinator's tick.
    /// </summary>
    private void Tick(NodeTickDue e)
    {
        var node = nodes[e.Node];
        if (!node.IsLife(e.Incarnation)) return;
        if (membership.Poll(Now, node.Name) is { } view) ChangeView(node, view);
        if (node.IsLife(e.Incarnation))
        {
            node.Raft!.Tick();
            ProcessReady(node);
        }
        if (node.IsLife(e.Incarnation) && node.IsLeader)
        {
            BootstrapConfigIfLeader(node);
            RenewLeases(node);
        }
        if (node.IsLife(e.Incarnation)) StepController(node, new NodeTick());
        if (node.IsLife(e.Incarnation) && node.IsLeader) CoordinatorHeartbeat(node);
        if (node.IsLife(e.Incarnation)) ProcessReady(node);
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
        if (node.Controller is not { } controller) return;
        var life = node.Incarnation;
        var commands = controller.Step(Now, input);
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
            case SendReport report: SendReport(node, report.Report); break;
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
