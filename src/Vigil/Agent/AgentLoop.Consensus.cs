using Vigil.Cli.Agent.Wire;
using Vigil.Core.Consensus;
using Vigil.Core.Database;

namespace Vigil.Cli.Agent;

/// <summary>Raft's Ready (persist, send, apply), the database, compaction, bootstrap of config version 1.</summary>
internal sealed partial class AgentLoop
{
    private RaftRole lastRole = RaftRole.Follower;
    private string? lastLeader;
    private long lastTerm;

    private void ProcessReady()
    {
        for (var round = 0; raft.HasReady && round < 64; round++)
        {
            var ready = raft.TakeReady();
            // The leader's appends go out before its own fsync, so the followers' fsyncs overlap it (Raft thesis
            // §10.2.1): an append promises nothing about the sender's disk, and the leader's entries are on its disk
            // before any answer is handled (this thread), so before they can count towards a commit.
            foreach (var message in ready.Messages)
                if (message is AppendRequest or SnapshotRequest) link.SendRaft(message);
            // Then: 1. persist (one fsync), 2. send the rest, 3. apply — an answer or a vote never promises what the
            // disk does not hold.
            if (ready.HardState is not null || !ready.Entries.IsEmpty || ready.Snapshot is not null)
                storage.Save(ready.HardState, ready.Entries, ready.Snapshot);
            foreach (var message in ready.Messages)
                if (message is not (AppendRequest or SnapshotRequest)) link.SendRaft(message);
            if (ready.Snapshot is { } snapshot && snapshot.Index > database.AppliedIndex)
            {
                database = ClusterDatabase.FromSnapshot(snapshot);
                log.Write("raft", $"installed snapshot at index {snapshot.Index} (term {snapshot.Term}) from {raft.Leader ?? "the leader"}: " +
                    $"config version {database.ConfigVersion}, state {database.State?.Version ?? 0}");
                DatabaseChanged(configChanged: true);
            }
            foreach (var entry in ready.Committed)
                if (entry.Index > database.AppliedIndex) Apply(entry);
        }
        MaybeCompact();
        NoteMembership();
        if (raft.LeaderReady && leaderReadyTerm != raft.Term)
        {
            leaderReadyTerm = raft.Term;
            log.Write("raft", $"leader ready in term {raft.Term}: its first entry committed");
        }
    }

    private long leaderReadyTerm;

    private RaftMembership? loggedMembership;

    /// <summary>The voters in effect changed (a membership entry appended, truncated or installed with a snapshot): one log line.</summary>
    private void NoteMembership()
    {
        if (loggedMembership is not null && !raft.Membership.SameAs(loggedMembership))
            log.Write("raft", $"membership {raft.Membership} (was {loggedMembership})");
        loggedMembership = raft.Membership;
    }

    private void Apply(LogEntry entry)
    {
        var outcome = database.Apply(entry);
        switch (outcome.Kind)
        {
            case ApplyKind.Skipped:
                log.Write("database", outcome.Detail);
                break;
            case ApplyKind.ConfigChanged:
                log.Write("database", outcome.Detail);
                break;
            case ApplyKind.StateChanged:
                LogDecisions(outcome.Batch!);
                break;
        }
        ClientEntryApplied(entry.Index, outcome);
        CoordinatorEntryApplied(entry.Index, outcome);
        if (outcome.Kind is ApplyKind.ConfigChanged or ApplyKind.StateChanged) DatabaseChanged(outcome.Kind == ApplyKind.ConfigChanged);
    }

    private void LogDecisions(DecisionsCommitted batch)
    {
        foreach (var decision in batch.Decisions) log.Write("decision", decision.Reason);
        RememberEvents(batch);
    }

    /// <summary>The database moved on: a new config rebuilds the controller (and coordinator); a new state reaches the coordinator.</summary>
    private void DatabaseChanged(bool configChanged)
    {
        if (configChanged)
        {
            link.UpdatePeers(database.Config!);
            RebuildController();
            DropCoordinator("the configuration changed");
        }
        else
        {
            CoordinatorStateChanged();
        }
    }

    private void MaybeCompact()
    {
        var last = raft.LatestSnapshot?.Index ?? 0;
        if (database.AppliedIndex - last < settings.SnapshotEvery || database.AppliedIndex > raft.CommitIndex) return;
        raft.Compact(database.AppliedIndex, database.SnapshotData());
        storage.SaveSnapshot(raft.LatestSnapshot!);
        log.Write("raft", $"snapshot at index {database.AppliedIndex}; log compacted");
    }

    private void NoteLeadership()
    {
        if (raft.Role == lastRole && raft.Leader == lastLeader && raft.Term == lastTerm) return;
        var was = lastRole;
        (lastRole, lastLeader, lastTerm) = (raft.Role, raft.Leader, raft.Term);
        if (raft.Role == RaftRole.Leader && was != RaftRole.Leader)
            log.Write("raft", $"became leader in term {raft.Term}");
        else if (was == RaftRole.Leader && raft.Role != RaftRole.Leader)
            log.Write("raft", $"no longer leader (term {raft.Term}, leader {raft.Leader ?? "unknown"})");
        else if (raft.Leader is { } leader && raft.Role == RaftRole.Follower)
            log.Write("raft", $"following {leader} in term {raft.Term}");
        if (raft.Role != RaftRole.Leader) DropCoordinator("leadership lost");
    }

    /// <summary>
    /// A new cluster has no configuration in its log: its first leader commits its own file as version 1.
    /// Later versions come only from `vigil config apply`; a node's file is never used over the log's.
    /// </summary>
    private void BootstrapConfigIfLeader()
    {
        if (!raft.LeaderReady || database.ConfigVersion != 0 || bootstrapIndex is { } pending && pending > database.AppliedIndex) return;
        var entry = new ConfigCommitted(1, settings.ConfigText, $"bootstrap from {settings.Node.Name}'s {Path.GetFileName(settings.ConfigPath)}");
        bootstrapIndex = raft.Propose(DatabaseCodec.Encode(entry));
        if (bootstrapIndex is not null) log.Write("database", $"proposing config version 1 from {settings.ConfigPath}");
    }

    private long? bootstrapIndex;

    /// <summary>A Raft message, handled <paramref name="ageTicks"/> ticks after it arrived.</summary>
    private void ReceiveRaft(byte[] body, int ageTicks)
    {
        var message = RaftCodec.DecodeMessage(body);
        if (message.To != settings.Node.Name) return;
        raft.Step(message, ageTicks);
    }

    internal void SendTo(string peer, MessageKind kind, byte[] body, bool allNetworks = false, bool routine = false) =>
        link.Send(peer, kind, body, allNetworks, routine);
}
