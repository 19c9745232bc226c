using Vigil.Cli.Agent.Execution;
using Vigil.Cli.Agent.Wire;
using Vigil.Core.Cluster;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent;

/// <summary>
/// This node's controller: built from the committed configuration, fed the leader's lease renewals, the
/// membership view and action results; its commands run here (actions) or go to the leader (reports).
/// </summary>
internal sealed partial class AgentLoop
{
    private NodeController? controller;
    private long controllerLife;
    private MembershipView? controllerView;
    private ActionRunner? actions;
    private readonly CancellationTokenSource workStop = new();
    private int? exitCode;

    /// <summary>Whether any group is active here (the watchdog self-fences a stalled loop only then).</summary>
    public volatile bool HasActiveGroups;

    private long controllerConfigVersion = -1;

    /// <summary>
    /// A new controller for a new config version (a snapshot of the same version keeps the one we have: it knows
    /// what runs here). The new controller adopts what runs here through the exclusive check before starting.
    /// </summary>
    private void RebuildController()
    {
        if (database.Config is not { } config || !config.HasNode(settings.Node.Name))
        {
            controller = null;
            return;
        }
        if (controller is not null && controllerConfigVersion == database.ConfigVersion) return;
        controllerConfigVersion = database.ConfigVersion;
        // A new controller per config version: it re-probes (exclusive) what runs here before starting anything.
        controller = new NodeController(config, settings.Node.Name, identity.Incarnation);
        controllerLife++;
        controllerView = null;
        actions = new ActionRunner(settings, () => database.Config!, log.For("action"), Interfaces);
        log.Write("node", $"controller on config version {database.ConfigVersion} (incarnation {identity.Incarnation})");
    }

    private void NodeHeartbeat()
    {
        if (controller is null) return;
        var view = CurrentView();
        var viewChanged = controllerView is null || view.ViewId != controllerView.ViewId;
        if (viewChanged)
        {
            controllerView = view;
            StepController(new NodeMembershipChanged(view));
        }
        StepController(new NodeTick());
        if (QuorumChanged() || viewChanged) ClusterFactsChanged(view);
    }

    private bool? hadQuorum;

    /// <summary>
    /// quorum_lost / quorum_regained as this node's controller sees it (what decides whether it may run groups);
    /// true when it changed.
    /// </summary>
    private bool QuorumChanged()
    {
        if (controller?.State is null) return false;
        var quorate = controller.QuorumAt(clock.Now) != Core.Quorum.QuorumStatus.NoQuorum;
        if (hadQuorum == quorate) return false;
        if (hadQuorum is not null || !quorate)
            LocalEvent(quorate ? "quorum_regained" : "quorum_lost",
                quorate ? $"{settings.Node.Name} has quorum again" : $"{settings.Node.Name} lost quorum (no leader lease, or too few nodes in its view)");
        hadQuorum = quorate;
        return true;
    }

    /// <summary>Facts that agents' Pacemaker tools (crm_node) read: nodes, members, quorum.</summary>
    private void ClusterFactsChanged(MembershipView view)
    {
        var config = database.Config ?? settings.Config;
        try
        {
            Execution.Ocf.PacemakerShims.WriteClusterFacts(settings.RunDir, settings.Node.Name, config.Nodes.Select(n => n.Name),
                config.Nodes.Select(n => n.Name).Where(view.Contains), hadQuorum ?? false);
        }
        catch (IOException e)
        {
            log.Write("node", $"cannot write cluster facts for agents: {e.Message}");
        }
    }

    private readonly Dictionary<string, (long Generation, GroupPhase Phase)> localPhases = new(StringComparer.Ordinal);

    /// <summary>Local group phase changes (running, stopped, failed here) become events.</summary>
    private void NotePhases(NodeReport report)
    {
        foreach (var group in report.Groups)
        {
            (long Generation, GroupPhase Phase)? known = localPhases.TryGetValue(group.Group, out var was) ? was : null;
            if (known == (group.Generation, group.Phase)) continue;
            localPhases[group.Group] = (group.Generation, group.Phase);
            var kind = group.Phase switch
            {
                GroupPhase.Running when known?.Phase is not GroupPhase.Restarting || known?.Generation != group.Generation => "local_group_running",
                GroupPhase.Stopped when known is not null => "local_group_stopped",
                GroupPhase.Failed => "local_group_failed",
                _ => null,
            };
            if (kind is null) continue;
            var detail = group.Detail is { Length: > 0 } d ? $": {d}" : "";
            LocalEvent(kind, $"{group.Group} {kind["local_group_".Length..]} on {settings.Node.Name} (generation {group.Generation}){detail}", group: group.Group);
        }
    }

    /// <summary>The leader's renewal reached us: the committed state, which also renews our lease.</summary>
    /// <summary>The leader's lease, which arrived at <paramref name="arrivedAt"/> (it runs from there, however late it is handled).</summary>
    private void LeaseRenewed(LeaseMessage lease, string sender, TimeSpan arrivedAt)
    {
        leaderPhases = lease.GroupPhases;
        if (controller is null || database.State is not { } state) return;
        var refused = sender != raft.Leader || lease.Term != raft.Term ? $"from {sender} in term {lease.Term}, but the leader is {raft.Leader ?? "unknown"} in term {raft.Term}"
            : !lease.Granted.Contains(settings.Node.Name) ? $"{sender} does not count this node in its membership"
            : state.Version < lease.StateVersion || database.ConfigVersion < lease.ConfigVersion ? "this node is still catching up" // applies shortly
            : null;
        if (refused is not null)
        {
            if (refused != lastLeaseRefusal) log.Write("node", "lease not renewed: " + refused);
            lastLeaseRefusal = refused;
            return;
        }
        lastLeaseRefusal = null;
        StepController(new NodeStateCommitted(state, arrivedAt));
    }

    private string? lastLeaseRefusal;

    private void StepController(NodeInput input)
    {
        if (controller is null) return;
        var commands = controller.Step(clock.Now, input);
        foreach (var command in commands) Execute(command);
        HasActiveGroups = controller.State is { } s && OwnsAnyGroup(s);
    }

    private (ClusterState State, bool Owns)? ownsAnyGroup;

    /// <summary>Whether the state gives this node a group: asked after every controller step, computed once per state.</summary>
    private bool OwnsAnyGroup(ClusterState state)
    {
        if (ownsAnyGroup is not { } known || !ReferenceEquals(known.State, state))
            ownsAnyGroup = known = (state, state.Groups.Values.Any(g => g.Owner == settings.Node.Name));
        return known.Owns;
    }

    private void Execute(NodeCommand command)
    {
        switch (command)
        {
            case RunAction action:
                var life = controllerLife;
                var runner = actions!;
                _ = Task.Run(async () =>
                {
                    var result = await runner.RunAsync(action, workStop.Token);
                    Post(new ActionFinished(life, result, action));
                });
                break;
            case SendReport report:
                NotePhases(report.Report);
                SendReport(report.Report);
                break;
            case NodeNotice notice:
                log.Write("node", notice.Message);
                break;
            case SelfFence fence:
                SelfFenceNow(fence.Reason);
                break;
        }
    }

    private void ActionDone(ActionFinished done)
    {
        if (done.ControllerLife != controllerLife) return; // for a controller of an older config version
        if (done.Action is { } action && (done.Result.Result is ActionResult.Failed or ActionResult.TimedOut
            || (action.Action == Core.Configuration.ResourceAction.Monitor && done.Result.Result == ActionResult.NotRunning)))
            LocalEvent("action_failed", $"{action.Action.ToString().ToLowerInvariant()} of {action.Resource} ({action.Group}) failed on {settings.Node.Name}: {done.Result.Detail}", group: action.Group);
        StepController(done.Result);
    }

    private void SendReport(NodeReport report)
    {
        if (raft.Role == Core.Consensus.RaftRole.Leader)
            ReportArrived(report);
        else if (raft.Leader is { } leader)
            SendTo(leader, MessageKind.Report, reportBodies.Encode(report), routine: SameAsLastReport(leader, report));
    }

    private readonly ReportBodies reportBodies = new();

    private (string Leader, NodeReport Report)? lastReportSent;

    /// <summary>Whether <paramref name="leader"/> was last sent a report saying the same (only the sequence differs): routine.</summary>
    private bool SameAsLastReport(string leader, NodeReport report)
    {
        var same = lastReportSent is { } last && last.Leader == leader && report.SaysSameAs(last.Report);
        lastReportSent = (leader, report);
        return same;
    }

    /// <summary>
    /// The node must stop now and cannot prove it did (a stop failed, or it lost quorum with a group it cannot
    /// stop): like a watchdog reset, the agent kills what it started and exits with code 70; a supervisor
    /// (systemd) restarts it as a new incarnation.
    /// </summary>
    internal void SelfFenceNow(string reason)
    {
        log.Write("node", $"SELF-FENCE: {reason}; killing running actions and exiting (70)");
        StopAllWork();
        exitCode = 70;
    }

    private void StopAllWork()
    {
        workStop.Cancel();
        HasActiveGroups = false;
    }
}
