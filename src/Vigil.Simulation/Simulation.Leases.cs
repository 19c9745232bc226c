using Vigil.Core.Node;

namespace Vigil.Simulation;

/// <summary>
/// Leases, as the agent's (AgentLoop.RenewLeases and LeaseRenewed): a controller hears the committed state only
/// through them, and a controller that hears none for a dead time has no quorum (no_quorum: stop stops its groups).
/// </summary>
public sealed partial class Simulation
{
    /// <summary>
    /// Every heartbeat while this node leads (its no-op committed) and hears from a quorum: renew its own
    /// controller and send every other node of its view a lease naming the members of that view.
    /// </summary>
    private void RenewLeases(SimNode node)
    {
        var raft = node.Raft!;
        if (!raft.LeaderReady || !raft.HasQuorumContact || node.Database.State is not { } state) return;
        var lease = new LeasePush(raft.Term, state.Version, node.Database.ConfigVersion, node.View.Members);
        foreach (var peer in nodesInOrder)
            if (peer != node && node.View.Contains(peer.Name)) Send(node.Name, peer, lease);
        StepController(node, new NodeStateCommitted(state));
    }

    /// <summary>
    /// A lease reached this node: it renews the controller only when it comes from the Raft leader this node
    /// follows, in the current term, names this node, and this node applied the state it vouches for.
    /// </summary>
    private void LeaseArrived(SimNode node, string sender, LeasePush lease)
    {
        var raft = node.Raft!;
        if (node.Controller is null || node.Database.State is not { } state) return;
        var refused = sender != raft.Leader || lease.Term != raft.Term ? $"from {sender} in term {lease.Term}, but the leader is {raft.Leader ?? "unknown"} in term {raft.Term}"
            : !lease.Granted.Contains(node.Name) ? $"{sender} does not count this node in its membership"
            : state.Version < lease.StateVersion || node.Database.ConfigVersion < lease.ConfigVersion ? "this node is still catching up"
            : null;
        if (refused is not null)
        {
            if (refused != node.LastLeaseRefusal) Log(SimLogKind.Debug, node.Name, "lease not renewed: " + refused);
            node.LastLeaseRefusal = refused;
            return;
        }
        if (node.LastLeaseRefusal is not null) Log(SimLogKind.Debug, node.Name, $"lease renewed by {sender} (state {state.Version}, lease for state {lease.StateVersion})");
        node.LastLeaseRefusal = null;
        StepController(node, new NodeStateCommitted(state));
    }
}
