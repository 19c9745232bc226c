using Vigil.Core.Cluster;
using Vigil.Core.Coordination;

namespace Vigil.Simulation;

/// <summary>Messages: state pushes from the store, reports to coordinators, and their arrival.</summary>
public sealed partial class Simulation
{
    /// <summary>After a commit: the new state goes from the committing node to every node it reaches.</summary>
    private void BroadcastState(SimNode from)
    {
        var push = new StatePush(store.State);
        foreach (var node in nodesInOrder)
            if (node == from || (node.Alive && topology.Connected(from.Name, node.Name)))
                Send(from.Name, node, push);
    }

    /// <summary>
    /// Every heartbeat the store re-sends its latest state to every node of every partition consensus would
    /// reach (quorate, or holding the tiebreaker). For a node's controller the repeat is its lease: a node that
    /// stops hearing it for a dead time stops its groups (no_quorum: stop).
    /// </summary>
    private void StoreHeartbeat()
    {
        queue.Push(Now + config.Cluster.Timing.HeartbeatInterval, new StoreHeartbeatDue());
        var state = store.State;
        foreach (var component in topology.Components())
        {
            var reached = store.QuorumOf(component) != Core.Quorum.QuorumStatus.NoQuorum;
            if (!reached) continue;
            var source = nodesInOrder.First(n => component.Contains(n.Name));
            foreach (var node in nodesInOrder)
                if (component.Contains(node.Name) && (node.ControllerNeeds(state) || node.CoordinatorNeeds(state)))
                    Send(source.Name, node, new StatePush(state));
        }
    }

    /// <summary>A report goes to the coordinator elected in the sender's own view (locally when that is itself).</summary>
    private void SendReportToCoordinator(SimNode node, NodeReport report)
    {
        var target = nodes[Coordinator.ElectedFor(config, node.View)];
        Send(node.Name, target, new ReportPush(report));
    }

    private void Send(string from, SimNode to, MessagePayload payload)
    {
        if (!to.Alive) return;
        if (from == to.Name)
        {
            queue.Push(Now, new MessageArrives(new SimMessage(from, to.Name, to.Incarnation, Local: true, payload)));
            return;
        }
        if (!topology.Connected(from, to.Name)) return;
        foreach (var at in network.Plan(Now, from, to.Name))
            queue.Push(at, new MessageArrives(new SimMessage(from, to.Name, to.Incarnation, Local: false, payload)));
    }

    private void Arrive(SimMessage message)
    {
        var node = nodes[message.To];
        if (!node.IsLife(message.ToIncarnation)) return;
        if (!message.Local && !topology.Connected(message.From, message.To)) return;
        switch (message.Payload)
        {
            case StatePush push: DeliverState(node, push.State); break;
            case ReportPush report: StepCoordinator(node, new ReportReceived(report.Report)); break;
            default: throw new InvalidOperationException($"unknown message {message.Payload.GetType().Name}");
        }
    }
}
