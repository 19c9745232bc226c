using System.Collections.Immutable;
using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Quorum;

namespace Vigil.Core.Node;

/// <summary>
/// One node's resource lifecycle (FailSafe's per-node action scripts): runs the groups the committed state
/// assigns to this node — exclusive check, start in dependency order, monitor, local restarts, stop in reverse
/// order — and stops them on its own when this node loses quorum (no_quorum: stop). It reports its whole
/// status to the coordinator every heartbeat and whenever a phase changes.
/// </summary>
public sealed class NodeController
{
    private readonly ClusterConfig config;
    private readonly ResourceTypes types;
    private readonly Dictionary<string, ImmutableArray<string>> startOrders;
    private readonly Dictionary<string, LocalGroup> groups = new(StringComparer.Ordinal);
    private readonly SortedSet<string> failedCriticalDevices = new(StringComparer.Ordinal);
    private MembershipView view;
    private long nextActionId = 1;
    private long reportSequence;
    private bool statusChanged = true;
    private TimeSpan? lastDatabaseContact;

    /// <param name="incarnation">Grows with every restart of this node's agent; the host persists it.</param>
    public NodeController(ClusterConfig config, string nodeName, long incarnation)
    {
        Invariant.Check(config.HasNode(nodeName), $"controller for unknown node {nodeName}");
        this.config = config;
        NodeName = nodeName;
        Incarnation = incarnation;
        types = new ResourceTypes(config);
        startOrders = config.ResourceGroups.ToDictionary(g => g.Name, g => ResourceOrder.StartOrder(config, g), StringComparer.Ordinal);
        view = MembershipView.Alone(nodeName);
    }

    public string NodeName { get; }

    public long Incarnation { get; }

    /// <summary>The newest committed state applied here.</summary>
    public ClusterState? State { get; private set; }

    /// <summary>
    /// Whether this node may run groups: FailSafe's quorum over its view and the fenced nodes — but only while
    /// it hears from the cluster database within one dead time (the leader's lease). A node cut off with a stale
    /// state must not keep counting fenced nodes that may have rebooted and joined the other side.
    /// </summary>
    public QuorumStatus QuorumAt(TimeSpan now) =>
        State is null || lastDatabaseContact is not { } contact || now - contact > config.Cluster.Timing.DeadTime
            ? QuorumStatus.NoQuorum
            : QuorumOfView(State);

    /// <summary>The last view and state the quorum rule was evaluated for, and its answer.</summary>
    private (MembershipView View, ClusterState State, QuorumStatus Status)? quorumOfView;

    /// <summary>
    /// The quorum rule over the view and the state's fenced nodes. Both are immutable and are replaced, never
    /// changed, so the answer holds until either is replaced; it is asked several times per heartbeat.
    /// </summary>
    private QuorumStatus QuorumOfView(ClusterState state)
    {
        if (quorumOfView is { } known && ReferenceEquals(known.View, view) && ReferenceEquals(known.State, state))
            return known.Status;
        var status = QuorumRule.Evaluate(config, view.Members, state.FencedNodes);
        quorumOfView = (view, state, status);
        return status;
    }

    /// <summary>Feed one input at time <paramref name="now"/>; returns what the host must do.</summary>
    public IReadOnlyList<NodeCommand> Step(TimeSpan now, NodeInput input)
    {
        var output = new List<NodeCommand>();
        var report = Absorb(now, input, output);
        Reconcile(now, output);
        if (report || statusChanged)
            output.Add(new SendReport(BuildReport()));
        statusChanged = false;
        return output;
    }

    /// <returns>True when a periodic report is due.</returns>
    private bool Absorb(TimeSpan now, NodeInput input, List<NodeCommand> output)
    {
        switch (input)
        {
            case NodeTick:
                return true;
            case NodeStateCommitted s:
                var contact = s.HeardAt is { } heard && heard < now ? heard : now;
                if (lastDatabaseContact is not { } last || contact > last) lastDatabaseContact = contact;
                if (State is null || s.State.Version > State.Version)
                    State = s.State;
                return false;
            case NodeMembershipChanged m when m.View.ViewId >= view.ViewId:
                view = m.View;
                return true;
            case ActionCompleted a:
                Completed(now, a, output);
                return false;
            case CriticalDeviceChanged c:
                statusChanged |= c.Healthy ? failedCriticalDevices.Remove(c.Device) : failedCriticalDevices.Add(c.Device);
                return false;
            default:
                return false;
        }
    }

    private void Completed(TimeSpan now, ActionCompleted completion, List<NodeCommand> output)
    {
        var group = groups.Values.FirstOrDefault(g => g.Pending?.Id == completion.ActionId);
        if (group is null)
            return; // an answer for an action of a group generation we no longer track
        var before = group.Phase;
        var selfFence = group.Completed(now, completion.Result, completion.Detail, types);
        statusChanged |= group.Phase != before;
        if (selfFence is not null)
        {
            output.Add(new NodeNotice($"{group.Name}: {selfFence}; resetting this node so the group can start elsewhere safely"));
            output.Add(new SelfFence($"{group.Name}: {selfFence}"));
        }
    }

    /// <summary>Brings every group towards what the committed state and quorum allow here, then issues next actions.</summary>
    private void Reconcile(TimeSpan now, List<NodeCommand> output)
    {
        var quorum = QuorumAt(now);
        var maintenance = State?.Nodes[NodeName].Admin == NodeAdminState.Maintenance;
        foreach (var group in config.ResourceGroups)
        {
            if (!maintenance)
                Steer(group, quorum, output);
            if (groups.TryGetValue(group.Name, out var local))
                Advance(now, local, monitoring: !maintenance, output);
        }
    }

    private void Steer(ResourceGroupConfig group, QuorumStatus quorum, List<NodeCommand> output)
    {
        var record = State?.Groups[group.Name];
        var owned = record is not null && record.Owner == NodeName && record.Target == GroupTarget.Running;
        groups.TryGetValue(group.Name, out var local);
        if (local is not null && local.IsActive)
        {
            var mayKeep = quorum != QuorumStatus.NoQuorum || config.Cluster.NoQuorum == NoQuorumAction.Freeze;
            if (!owned || local.Generation != record!.Generation)
                Stop(local, "released by the coordinator", output);
            else if (!mayKeep)
                Stop(local, "this node lost quorum (no_quorum: stop)", output);
            else if (!JoinedInThisLife())
                Stop(local, "the cluster no longer counts this node up", output);
            return;
        }
        if (local is { Phase: GroupPhase.Stopping or GroupPhase.StopFailed })
            return;
        if (local is not null && record?.Owner != NodeName)
        {
            groups.Remove(group.Name); // the coordinator saw it stop: forget it
            statusChanged = true;
            return;
        }
        var sameGenerationFailed = local is not null && local.Generation == record?.Generation && local.Phase == GroupPhase.Failed;
        if (owned && quorum == QuorumStatus.Quorate && !sameGenerationFailed && JoinedInThisLife())
        {
            local = new LocalGroup(group.Name, record!.Generation, startOrders[group.Name], group.LocalRestarts);
            groups[group.Name] = local;
            local.BeginStart();
            statusChanged = true;
            output.Add(new NodeNotice($"starting {group.Name} (generation {record.Generation})"));
        }
    }

    /// <summary>
    /// Whether the committed state counts this node up in this incarnation. A node that was declared failed, or
    /// rebooted since it joined, starts nothing until it joined again: a stale state (or lease) from before its
    /// fence must never start what the cluster already moved.
    /// </summary>
    private bool JoinedInThisLife() =>
        State?.Nodes.GetValueOrDefault(NodeName) is { Health: NodeHealth.Up } me && me.Incarnation == Incarnation;

    private void Stop(LocalGroup local, string why, List<NodeCommand> output)
    {
        local.BeginStop(false, null);
        statusChanged = true;
        output.Add(new NodeNotice($"stopping {local.Name}: {why}"));
    }

    private void Advance(TimeSpan now, LocalGroup local, bool monitoring, List<NodeCommand> output)
    {
        var before = local.Phase;
        var next = local.Next(now, monitoring, types.MonitorInterval);
        statusChanged |= local.Phase != before;
        if (next is not { } step)
            return;
        var id = nextActionId++;
        local.Started(id, step.Resource, step.Action);
        var resource = config.Resource(step.Resource);
        output.Add(new RunAction(id, local.Name, step.Resource, resource.Type, step.Action, types.Timeout(step.Resource, step.Action)));
    }

    private NodeReport BuildReport()
    {
        var reports = new List<GroupReport>();
        foreach (var group in config.ResourceGroups)
        {
            var record = State?.Groups[group.Name];
            groups.TryGetValue(group.Name, out var local);
            var ownedHere = record?.Owner == NodeName;
            if (local is not null && (!ownedHere || local.Generation == record!.Generation))
                reports.Add(local.Report());
            else if (ownedHere && record!.Target == GroupTarget.Stopped)
                reports.Add(new GroupReport(group.Name, record.Generation, GroupPhase.Stopped, 0, null)); // released before it started here
            else if (local is not null)
                reports.Add(local.Report());
        }
        return new NodeReport(NodeName, Incarnation, ++reportSequence, State?.Version ?? 0, reports, [.. failedCriticalDevices]);
    }
}
