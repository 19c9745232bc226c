using Vigil.Core.Consensus;
using Vigil.Core.Database;

namespace Vigil.Simulation;

/// <summary>
/// Consensus on each node, as the agent hosts it (AgentLoop.Consensus): Raft started from stable storage, the Ready
/// loop (persist, then send, then apply), snapshots, the bootstrap of config version 1, and leadership changes.
/// </summary>
public sealed partial class Simulation
{
    private readonly RaftMembership raftMembership;
    private RaftOptions? raftOptions;

    /// <summary>One Raft tick per heartbeat: a follower campaigns after DeadAfter to 2 × DeadAfter silent heartbeats.</summary>
    private RaftOptions RaftOptions => raftOptions ??= new RaftOptions(
        ElectionTicks: Math.Max(2, config.Cluster.Timing.DeadAfter),
        HeartbeatTicks: 1,
        UnsafeGrantVotesWithoutLogCheck: options.UnsafeRaftVotesWithoutLogCheck);

    /// <summary>Boot: Raft from the node's storage; the database from its snapshot (the committed entries after it come in the first Ready).</summary>
    private void StartRaft(SimNode node)
    {
        var restore = node.Storage.Restore();
        node.Database = restore.Snapshot is { } snapshot ? ClusterDatabase.FromSnapshot(snapshot) : ClusterDatabase.Empty();
        if (restore.Snapshot is { } restored && commits.SnapshotInstalled(node.Name, restored, node.Database.State) is { } problem)
            Fail(ViolationKind.LostCommittedEntry, problem);
        node.Raft = new RaftNode(node.Name, raftMembership, restore, RaftOptions, random.Next());
        Log(SimLogKind.Debug, node.Name, $"raft recovered term {restore.HardState.Term}, commit {restore.HardState.Commit}, " +
            $"{restore.Entries.Count} entries after snapshot {restore.Snapshot?.Index ?? 0}");
        if (node.Database.Config is not null) DatabaseChanged(node, configChanged: true);
    }

    /// <summary>
    /// Handles what Raft has ready, in the order RaftReady requires: persist (snapshot, entries, hard state), send,
    /// apply. Applying may make the coordinator propose, which makes more ready; bounded per call like the agent.
    /// </summary>
    private void ProcessReady(SimNode node)
    {
        if (node.InReady || node.Raft is null) return;
        node.InReady = true;
        var life = node.Incarnation;
        try
        {
            for (var round = 0; round < options.MaxReadyRounds && node.IsLife(life) && !Stopped && node.Raft!.HasReady; round++)
            {
                var ready = node.Raft.TakeReady();
                if (ready.HardState is not null || !ready.Entries.IsEmpty || ready.Snapshot is not null)
                    node.Storage.Save(ready.HardState, ready.Entries, ready.Snapshot);
                CheckNewLeader(node);
                foreach (var message in ready.Messages) Send(node.Name, nodes[message.To], new RaftPush(message));
                if (ready.Snapshot is { } snapshot && snapshot.Index > node.Database.AppliedIndex) InstallSnapshot(node, snapshot);
                foreach (var entry in ready.Committed)
                    if (node.IsLife(life) && !Stopped && entry.Index > node.Database.AppliedIndex) Apply(node, entry);
            }
            if (node.IsLife(life) && !Stopped)
            {
                NoteRaftState(node);
                MaybeCompact(node);
            }
        }
        finally
        {
            if (node.IsLife(life)) node.InReady = false;
        }
    }

    /// <summary>(Checker) A node that just became leader must hold every committed entry in its persisted log.</summary>
    private void CheckNewLeader(SimNode node)
    {
        var raft = node.Raft!;
        if (raft.Role != RaftRole.Leader || node.LeaderCheckedTerm == raft.Term) return;
        node.LeaderCheckedTerm = raft.Term;
        if (commits.LeaderElected(node.Name, raft.Term, node.Storage) is { } problem) Fail(ViolationKind.LostCommittedEntry, problem);
    }

    private void Apply(SimNode node, LogEntry entry)
    {
        var first = entry.Index > commits.CommittedIndex;
        var outcome = node.Database.Apply(entry);
        if (commits.Applied(node.Name, entry, node.Database.State) is { } problem)
        {
            Fail(ViolationKind.LostCommittedEntry, problem);
            return;
        }
        switch (outcome.Kind)
        {
            case ApplyKind.Skipped:
                Log(SimLogKind.Debug, node.Name, outcome.Detail);
                break;
            case ApplyKind.ConfigChanged when first:
                Log(SimLogKind.Raft, node.Name, outcome.Detail);
                break;
            case ApplyKind.StateChanged when first:
                LogDecisions(outcome.Batch!);
                break;
        }
        if (first && outcome.Kind is ApplyKind.StateChanged or ApplyKind.ConfigChanged) truthChanged = true; // the fenced set may have changed
        CoordinatorEntryApplied(node, entry.Index, outcome);
        if (node.Alive && outcome.Kind is ApplyKind.ConfigChanged or ApplyKind.StateChanged)
            DatabaseChanged(node, outcome.Kind == ApplyKind.ConfigChanged);
    }

    /// <summary>The decisions of a batch, logged once: when the first node applies it (under its coordinator's name).</summary>
    private void LogDecisions(DecisionsCommitted batch)
    {
        foreach (var decision in batch.Decisions) Log(SimLogKind.Decision, batch.Coordinator, DecisionText.Describe(decision));
    }

    private void InstallSnapshot(SimNode node, Snapshot snapshot)
    {
        node.Database = ClusterDatabase.FromSnapshot(snapshot);
        if (commits.SnapshotInstalled(node.Name, snapshot, node.Database.State) is { } problem)
        {
            Fail(ViolationKind.LostCommittedEntry, problem);
            return;
        }
        Log(SimLogKind.Raft, node.Name, $"installed snapshot at index {snapshot.Index} (config version {node.Database.ConfigVersion}, state {node.Database.State?.Version ?? 0})");
        DatabaseChanged(node, configChanged: true);
    }

    /// <summary>
    /// The database moved on. A configuration (first committed, or in an installed snapshot) gives the node its
    /// controller — built once per life: the simulated cluster never commits a second configuration version — and
    /// drops the coordinator like the agent does; a new state reaches an idle coordinator.
    /// </summary>
    private void DatabaseChanged(SimNode node, bool configChanged)
    {
        if (!configChanged)
        {
            CoordinatorStateChanged(node);
            return;
        }
        if (node.Controller is null && node.Database.Config is not null) StartController(node);
        if (node.Alive) DropCoordinator(node, "the configuration changed");
    }

    /// <summary>Takes a snapshot every <see cref="SimulationOptions.SnapshotEvery"/> applied entries, so followers that lag get one.</summary>
    private void MaybeCompact(SimNode node)
    {
        var raft = node.Raft!;
        var applied = node.Database.AppliedIndex;
        if (applied - (raft.LatestSnapshot?.Index ?? 0) < options.SnapshotEvery || applied > raft.CommitIndex) return;
        raft.Compact(applied, node.Database.SnapshotData());
        node.Storage.SaveSnapshot(raft.LatestSnapshot!);
        Log(SimLogKind.Debug, node.Name, $"snapshot at index {applied}; log compacted");
    }

    /// <summary>A new cluster has no configuration in its log: its first leader commits the simulated file as version 1.</summary>
    private void BootstrapConfigIfLeader(SimNode node)
    {
        var raft = node.Raft!;
        if (!raft.LeaderReady || node.Database.ConfigVersion != 0 || node.BootstrapIndex is { } pending && pending > node.Database.AppliedIndex) return;
        var entry = new ConfigCommitted(1, configText, $"bootstrap from {node.Name}'s configuration");
        node.BootstrapIndex = raft.Propose(DatabaseCodec.Encode(entry));
        if (node.BootstrapIndex is not null) Log(SimLogKind.Debug, node.Name, "proposing config version 1");
    }

    /// <summary>Logs leadership changes; a node no longer leading drops its coordinator at once.</summary>
    private void NoteRaftState(SimNode node)
    {
        var raft = node.Raft!;
        var now = (raft.Role, raft.Leader, raft.Term);
        if (now == node.LastRaftState) return;
        var was = node.LastRaftState.Role;
        node.LastRaftState = now;
        if (raft.Role == RaftRole.Leader && was != RaftRole.Leader)
            Log(SimLogKind.Raft, node.Name, $"leader in term {raft.Term}");
        else if (was == RaftRole.Leader && raft.Role != RaftRole.Leader)
            Log(SimLogKind.Raft, node.Name, $"no longer leader (term {raft.Term}, leader {raft.Leader ?? "unknown"})");
        else if (raft.Leader is { } leader && raft.Role == RaftRole.Follower)
            Log(SimLogKind.Debug, node.Name, $"following {leader} in term {raft.Term}");
        if (raft.Role != RaftRole.Leader) DropCoordinator(node, "leadership lost");
    }

    private void ReceiveRaft(SimNode node, RaftMessage message)
    {
        node.Raft!.Step(message);
        ProcessReady(node);
    }
}
