using Vigil.Core.Cluster;
using Vigil.Core.Consensus;
using Vigil.Core.Coordination;

namespace Vigil.Simulation;

/// <summary>Messages: Raft, leases and reports over the simulated network, and their arrival.</summary>
public sealed partial class Simulation
{
    /// <summary>A report goes to the node's Raft leader (through the queue when that is itself); with no known leader it is dropped.</summary>
    private void SendReport(SimNode node, NodeReport report)
    {
        if (node.IsLeader)
            Send(node.Name, node, new ReportPush(report));
        else if (node.Raft?.Leader is { } leader)
            Send(node.Name, nodes[leader], new ReportPush(report));
    }

    /// <summary>
    /// Sends over the network (loss, duplication, delay and reordering apply; a link cut now drops it), or to
    /// itself through the queue, pinned to its current life.
    /// </summary>
    private void Send(string from, SimNode to, MessagePayload payload)
    {
        if (!to.Alive) return;
        if (from == to.Name)
        {
            queue.Push(Now, new MessageArrives(new SimMessage(from, to.Name, to.Incarnation, Local: true, payload)));
            return;
        }
        if (!topology.LinkUp(from, to.Name)) return;
        foreach (var at in network.Plan(Now, from, to.Name))
            queue.Push(at, new MessageArrives(new SimMessage(from, to.Name, to.Incarnation, Local: false, payload)));
    }

    /// <summary>A message arrives if its receiver is up and (for the network) the link still carries it, whichever life sent it.</summary>
    private void Arrive(SimMessage message)
    {
        var node = nodes[message.To];
        if (!node.Alive || (message.Local ? node.Incarnation != message.ToIncarnation : !topology.LinkUp(message.From, message.To))) return;
        switch (message.Payload)
        {
            case RaftPush raft: ReceiveRaft(node, raft.Message); break;
            case LeasePush lease: LeaseArrived(node, message.From, lease); break;
            case ReportPush report: ReportArrived(node, message.From, report.Report); break;
            default: throw new InvalidOperationException($"unknown message {message.Payload.GetType().Name}");
        }
        ProcessReady(node);
    }

    /// <summary>On the leader: the newest report of each node is kept (for the next coordinator) and given to the coordinator.</summary>
    private void ReportArrived(SimNode node, string sender, NodeReport report)
    {
        if (report.Node != sender || node.Raft?.Role != RaftRole.Leader) return;
        if (node.Reports.TryGetValue(report.Node, out var known) && !report.IsNewerThan(known)) return;
        node.Reports[report.Node] = report;
        StepCoordinator(node, new ReportReceived(report));
    }
}
