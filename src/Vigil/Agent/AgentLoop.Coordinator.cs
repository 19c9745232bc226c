using System.Collections.Immutable;
using Vigil.Cli.Agent.Execution;
using Vigil.Cli.Agent.Wire;
using Vigil.Cli.Simulate;
using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Core.Database;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent;

/// <summary>
/// The coordinator runs on the Raft leader only, once the leader's own no-op committed and its database caught
/// up. It honours the coordinator's contract: a batch of decisions is proposed, and until that entry is applied
/// (committed and applied, or skipped) no other input reaches the coordinator — those wait in order; after the
/// commit it first gets StateCommitted, then the batch's effects run (fence, failover script). Leadership lost
/// drops the coordinator with everything it had in flight; the next leader starts afresh from the database.
/// </summary>
internal sealed partial class AgentLoop
{
    /// <summary>Inputs that may wait while a proposal is in flight.</summary>
    public const int MaxWaitingInputs = 4096;

    private Coordinator? coordinator;
    private long coordinatorLife;
    private MembershipView? coordinatorView;
    private (long Index, CoordinatorReady Ready)? proposal;
    private readonly Queue<CoordinatorInput> waiting = new();
    private readonly Dictionary<string, NodeReport> reports = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string> leaderPhases = ImmutableDictionary<string, string>.Empty;
    private FenceRunner? fences;

    private void CoordinatorHeartbeat()
    {
        EnsureCoordinator();
        if (coordinator is null) return;
        var view = CurrentView();
        if (coordinatorView is null || coordinatorView.ViewId != view.ViewId)
        {
            coordinatorView = view;
            StepCoordinator(new MembershipChanged(view));
        }
        StepCoordinator(new CoordinatorTick());
    }

    private void EnsureCoordinator()
    {
        if (coordinator is not null || !raft.LeaderReady || database.Config is not { } config || database.State is not { } state) return;
        if (database.AppliedIndex < raft.CommitIndex || !config.HasNode(settings.Node.Name)) return;
        var options = CoordinatorOptions.Default with { ElectedByHost = true, ViewFormingSince = startedAt };
        coordinator = new Coordinator(config, settings.Node.Name, options);
        coordinatorLife++;
        fences = new FenceRunner(settings, () => database.Config!);
        log.Write("coordinator", $"coordinating in term {raft.Term} (config version {database.ConfigVersion}, state {state.Version})");
        coordinatorView = CurrentView();
        StepCoordinator(new MembershipChanged(coordinatorView));
        StepCoordinator(new StateCommitted(state));
        foreach (var report in reports.Values.OrderBy(r => r.Node, StringComparer.Ordinal).ToList())
            StepCoordinator(new ReportReceived(report));
    }

    private TimeSpan startedAt;

    private void DropCoordinator(string why)
    {
        if (coordinator is null) return;
        log.Write("coordinator", $"stops coordinating: {why}");
        coordinator = null;
        coordinatorView = null;
        proposal = null;
        waiting.Clear();
    }

    private void ReportArrived(NodeReport report)
    {
        var known = reports.GetValueOrDefault(report.Node);
        if (known is not null && !report.IsNewerThan(known)) return;
        if (!report.SaysSameAs(known)) reportsChanged++;
        reports[report.Node] = report;
        StepCoordinator(new ReportReceived(report));
    }

    /// <summary>Steps the coordinator, or queues the input while a proposal is in flight.</summary>
    private void StepCoordinator(CoordinatorInput input)
    {
        if (coordinator is null) return;
        if (proposal is not null)
        {
            if (waiting.Count < MaxWaitingInputs) waiting.Enqueue(input);
            return;
        }
        Handle(coordinator.Step(clock.Now, input));
    }

    private void Handle(CoordinatorReady ready)
    {
        foreach (var notice in ready.Notices) log.Write("coordinator", notice);
        if (!ready.Decisions.IsEmpty)
        {
            var batch = new DecisionsCommitted(database.ConfigVersion, ready.BaseVersion, ready.Decisions, settings.Node.Name);
            if (raft.Propose(DatabaseCodec.Encode(batch)) is { } index)
                proposal = (index, ready);
            else
                log.Write("coordinator", $"could not propose {ready.Decisions.Length} decisions (not leader or too many uncommitted entries)");
            return;
        }
        Run(ready.Effects);
    }

    /// <summary>An entry was applied: if it was our proposal, the coordinator learns the outcome first.</summary>
    private void CoordinatorEntryApplied(long index, ApplyOutcome outcome)
    {
        if (proposal is not { } pending || index < pending.Index || coordinator is null) return;
        proposal = null;
        if (index == pending.Index && outcome.Kind == ApplyKind.StateChanged)
        {
            Handle(coordinator.Step(clock.Now, new StateCommitted(database.State!)));
            Run(pending.Ready.Effects);
        }
        while (proposal is null && coordinator is not null && waiting.TryDequeue(out var input))
            Handle(coordinator.Step(clock.Now, input));
    }

    /// <summary>The state changed by an entry that was not our pending proposal (e.g. a config version).</summary>
    private void CoordinatorStateChanged()
    {
        if (coordinator is not null && proposal is null && database.State is { } state) StepCoordinator(new StateCommitted(state));
    }

    private void Run(ImmutableArray<CoordinatorEffect> effects)
    {
        var life = coordinatorLife;
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case FenceNode fence:
                    log.Write("fence", $"fencing {fence.Node} with {fence.Device} (attempt {fence.Attempt})");
                    var runner = fences!;
                    _ = Task.Run(async () => Post(new CoordinatorEffectFinished(life, await runner.RunAsync(fence, workStop.Token))));
                    break;
                case RunFailoverScript script:
                    var scripts = new ProcessFailoverScriptRunner(settings.ConfigDirectory);
                    _ = Task.Run(() =>
                    {
                        var (domain, error) = scripts.Run(script);
                        Post(new CoordinatorEffectFinished(life, new FailoverScriptCompleted(script.Group, domain, error)));
                    });
                    break;
            }
        }
    }

    private void EffectDone(CoordinatorEffectFinished done)
    {
        if (done.Result is FenceCompleted f)
            log.Write("fence", $"fencing {f.Node} (attempt {f.Attempt}) {(f.Success ? "succeeded" : "failed")}: {f.Detail}");
        if (done.CoordinatorLife == coordinatorLife) StepCoordinator(done.Result);
    }

    /// <summary>
    /// Every heartbeat while this node leads and hears from a quorum: renew its own controller's lease and send
    /// every node of its view the committed state versions (their lease) and the group phases it knows.
    /// </summary>
    private void RenewLeases()
    {
        if (!raft.LeaderReady || !raft.HasQuorumContact || database.State is not { } state) return;
        var view = CurrentView();
        var body = LeaseBody(state, view, out var routine);
        foreach (var peer in LeasePeers(view))
            SendTo(peer, MessageKind.Lease, body, allNetworks: true, routine);
        if (controller is not null) StepController(new NodeStateCommitted(state));
    }

    private byte[]? lastLeaseBody;

    /// <summary>What the last lease body was made of: the same inputs make the same body.</summary>
    private (long Term, long Commit, ClusterState State, long ConfigVersion, MembershipView View, long Reports)? lastLeaseInputs;

    /// <summary>Bumped when the leader stores a report that says something new (the group phases come from reports).</summary>
    private long reportsChanged;

    /// <summary>
    /// The lease body; <paramref name="routine"/> when unchanged since the last renewal (each receiver runs its
    /// lease from the arrival, not the handling). Made again only when one of its inputs changed: on an idle
    /// cluster the leader would otherwise build, encode and compare the same bytes every heartbeat.
    /// </summary>
    private byte[] LeaseBody(ClusterState state, MembershipView view, out bool routine)
    {
        if (lastLeaseBody is not null && lastLeaseInputs is { } last && last.Term == raft.Term && last.Commit == raft.CommitIndex
            && ReferenceEquals(last.State, state) && last.ConfigVersion == database.ConfigVersion && ReferenceEquals(last.View, view)
            && last.Reports == reportsChanged)
        {
            leaderPhases = lastLeasePhases;
            routine = true;
            return lastLeaseBody;
        }
        var phases = GroupPhases();
        leaderPhases = lastLeasePhases = phases;
        var lease = new LeaseMessage(raft.Term, raft.CommitIndex, state.Version, database.ConfigVersion,
            [.. view.Members.Order(StringComparer.Ordinal)], phases);
        var body = AgentMessages.Encode(lease);
        routine = lastLeaseBody is not null && body.AsSpan().SequenceEqual(lastLeaseBody);
        lastLeaseBody = body;
        lastLeaseInputs = (raft.Term, raft.CommitIndex, state, database.ConfigVersion, view, reportsChanged);
        return body;
    }

    private IReadOnlyDictionary<string, string> lastLeasePhases = ImmutableDictionary<string, string>.Empty;

    private (MembershipView View, string[] Peers)? leasePeers;

    /// <summary>The other members of <paramref name="view"/> in name order, once per view.</summary>
    private string[] LeasePeers(MembershipView view)
    {
        if (leasePeers is not { } known || !ReferenceEquals(known.View, view))
            leasePeers = known = (view, [.. view.Members.Where(m => m != settings.Node.Name).Order(StringComparer.Ordinal)]);
        return known.Peers;
    }

    /// <summary>group -> "phase@node" from the owners' latest reports (what `vigil status` shows).</summary>
    private Dictionary<string, string> GroupPhases()
    {
        var phases = new Dictionary<string, string>(StringComparer.Ordinal);
        if (database.State is not { } state) return phases;
        foreach (var group in state.Groups.Values)
        {
            if (group.Owner is not { } owner) continue;
            var phase = reports.TryGetValue(owner, out var report) && report.For(group.Name) is { } g && g.Generation == group.Generation
                ? g.Phase.ToString().ToLowerInvariant()
                : "assigned";
            phases[group.Name] = $"{phase}@{owner}";
        }
        return phases;
    }
}
