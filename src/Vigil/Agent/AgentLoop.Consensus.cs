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
            // before any answer is handled (this thread), so before they can count towards a commit. Without an fsync
            // to overlap (a Ready that only moves the commit index) they go out with the other messages, below.
            var appendsFirst = ReadyOrder.AppendsBeforePersist(ready);
            if (appendsFirst)
                foreach (var message in ready.Messages)
                    if (message is AppendRequest or SnapshotRequest) link.SendRaft(message);
            // Then: 1. persist (one fsync), 2. send the rest, 3. apply — an answer or a vote never promises what the
            // disk does not hold.
            if (ready.HardState is not null || !ready.Entries.IsEmpty || ready.Snapshot is not null)
                storage.Save(ready.HardState, ready.Entries, ready.Snapshot);
            // A request waiting here for the one entry this Ready commits is answered before the messages go out
            // (sending wakes the peers' receive threads, which can take this CPU): the entry is on this disk and a
            // quorum's, and the messages do not depend on the database (the peers change only in DatabaseChanged).
            var answered = ReadyOrder.AnswerBeforeSending(ready, database.AppliedIndex, byIndex.ContainsKey);
            ApplyOutcome? answeredOutcome = answered is null ? null : ApplyAndAnswer(answered);
            foreach (var message in ready.Messages)
                if (!appendsFirst || message is not (AppendRequest or SnapshotRequest)) link.SendRaft(message);
            if (ready.Snapshot is { } snapshot && snapshot.Index > database.AppliedIndex)
            {
                database = ClusterDatabase.FromSnapshot(snapshot);
                log.Write("raft", $"installed snapshot at index {snapshot.Index} (term {snapshot.Term}) from {raft.Leader ?? "the leader"}: " +
                    $"config version {database.ConfigVersion}, state {database.State?.Version ?? 0}");
                DatabaseChanged(configChanged: true);
            }
            if (answered is not null) AfterApply(answered, answeredOutcome!);
            foreach (var entry in ready.Committed)
                if (entry.Index > database.AppliedIndex) AfterApply(entry, ApplyAndAnswer(entry));
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
        if (ReferenceEquals(raft.Membership, loggedMembership)) return; // after every Ready: mostly the same object
        if (loggedMembership is not null && !raft.Membership.SameAs(loggedMembership))
            log.Write("raft", $"membership {raft.Membership} (was {loggedMembership})");
        loggedMembership = raft.Membership;
    }

    /// <summary>Applies the next committed entry to the database and answers the request waiting for it, if any.</summary>
    private ApplyOutcome ApplyAndAnswer(LogEntry entry)
    {
        var outcome = database.Apply(entry, ProposedConfig(entry.Index));
        ClientEntryApplied(entry.Index, outcome);
        return outcome;
    }

    /// <summary>What follows an entry's apply: its log line, the coordinator, and the controller when the database changed.</summary>
    private void AfterApply(LogEntry entry, ApplyOutcome outcome)
    {
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

    private void ReceiveRaft(byte[] body, int ageTicks)
    {
        var message = RaftCodec.DecodeMessage(body);
        if (message.To != settings.Node.Name) return;
        raft.Step(message, ageTicks); // handled ageTicks ticks after it arrived
    }

    internal void SendTo(string peer, MessageKind kind, byte[] body, bool allNetworks = false, bool routine = false) =>
        link.Send(peer, kind, body, allNetworks, routine);
}

/// <summary>
/// The order of the steps of one Ready that depends on its content (<see cref="AgentLoop"/>'s ProcessReady: appends,
/// persist, answer, other messages, apply).
/// </summary>
internal static class ReadyOrder
{
    /// <summary>
    /// Whether the appends go out before the Ready is persisted: when it persists entries or a snapshot (an fsync the
    /// followers' fsyncs can overlap). A Ready that only moves the commit index sends its appends with the rest.
    /// </summary>
    public static bool AppendsBeforePersist(RaftReady ready) => !ready.Entries.IsEmpty || ready.Snapshot is not null;

    /// <summary>
    /// The committed entry to apply and answer once the Ready is persisted but before its messages are sent: the only
    /// entry it commits, next to apply (<paramref name="appliedIndex"/> + 1) and <paramref name="awaited"/> by a request
    /// on this node; else null (entries are applied after the messages went out). Never with a snapshot to install.
    /// </summary>
    public static LogEntry? AnswerBeforeSending(RaftReady ready, long appliedIndex, Func<long, bool> awaited) =>
        ready.Snapshot is null && ready.Committed.Length == 1 && ready.Committed[0].Index == appliedIndex + 1 && awaited(ready.Committed[0].Index)
            ? ready.Committed[0]
            : null;
}
