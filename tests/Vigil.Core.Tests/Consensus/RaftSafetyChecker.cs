using Vigil.Core.Consensus;

namespace Vigil.Core.Tests.Consensus;

/// <summary>
/// Raft's safety properties, checked over a <see cref="RaftTestNetwork"/> after every step:
/// <list type="bullet">
/// <item>election safety — at most one leader per term;</item>
/// <item>log matching — two logs holding an entry with the same index and term hold the same entries up to it;</item>
/// <item>state machine safety — every committed entry (index, term, data) and every applied state any node saw is
/// the same everywhere;</item>
/// <item>leader completeness — a leader of a term after the one in which an entry was seen committed holds it.</item>
/// </list>
/// It checks after every input any node processes (a tick, a message, a proposal, a restart), so a violation is
/// reported at the input that caused it.
/// </summary>
internal sealed class RaftSafetyChecker
{
    private readonly RaftTestNetwork network;
    private readonly Dictionary<long, string> leaderOfTerm = [];
    private readonly SortedDictionary<long, Committed> committed = [];
    private readonly Dictionary<long, ulong> stateAt = [];
    private string? violation;

    public RaftSafetyChecker(RaftTestNetwork network)
    {
        this.network = network;
        network.ReadyTaken += Observe;
        network.InputProcessed += id => Check(id);
    }

    /// <summary>How many distinct committed entries were seen.</summary>
    public int CommittedCount => committed.Count;

    /// <summary>The first property violated so far, or null; checks <paramref name="changed"/> against the others (all nodes when null).</summary>
    public string? Check(string? changed = null)
    {
        if (violation is not null) return violation;
        foreach (var (id, node) in network.Nodes)
        {
            if (changed is not null && id != changed) continue;
            if (node.Role != RaftRole.Leader) continue;
            if (leaderOfTerm.TryGetValue(node.Term, out var other) && other != id)
                return violation = $"election safety: {other} and {id} both led term {node.Term}";
            leaderOfTerm[node.Term] = id;
            if (MissingCommitted(node) is { } missing) return violation = missing;
        }
        var nodes = network.Nodes.Values.ToList();
        for (var a = 0; a < nodes.Count; a++)
            for (var b = a + 1; b < nodes.Count; b++)
                if ((changed is null || nodes[a].Id == changed || nodes[b].Id == changed) && LogMismatch(nodes[a], nodes[b]) is { } mismatch)
                    return violation = mismatch;
        return null;
    }

    private void Observe(string id, RaftReady ready)
    {
        if (violation is not null) return;
        var node = network[id];
        var host = network.Hosts[id];
        if (ready.Snapshot is { } snapshot)
        {
            if (committed.TryGetValue(snapshot.Index, out var known) && known.Term != snapshot.Term)
                violation = $"state machine safety: {id} installed a snapshot at {snapshot.Index} of term {snapshot.Term}, committed there with term {known.Term}";
            RecordState(id, snapshot.Index, RaftTestHost.HashOf(snapshot));
        }
        var hash = ready.Snapshot is null ? host.StateHash : RaftTestHost.HashOf(ready.Snapshot);
        foreach (var entry in ready.Committed)
        {
            if (committed.TryGetValue(entry.Index, out var known))
            {
                if (known.Term != entry.Term || !known.Data.AsSpan().SequenceEqual(entry.Data))
                    violation ??= $"state machine safety: {id} committed ({entry.Index}, term {entry.Term}) where ({entry.Index}, term {known.Term}) was committed";
            }
            else
            {
                committed[entry.Index] = new Committed(entry.Term, entry.Data, node.Term);
            }
            hash = RaftTestHost.Mix(hash, entry);
            RecordState(id, entry.Index, hash);
        }
    }

    private void RecordState(string id, long index, ulong hash)
    {
        if (!stateAt.TryAdd(index, hash) && stateAt[index] != hash)
            violation ??= $"state machine safety: {id}'s state after applying {index} differs from another node's";
    }

    /// <summary>Leader completeness: entries seen committed in a term before the leader's are in its log.</summary>
    private string? MissingCommitted(RaftNode leader)
    {
        var log = leader.Log;
        foreach (var (index, entry) in committed)
        {
            if (leader.Term <= entry.SeenInTerm || index < log.SnapshotIndex) continue;
            var term = log.TermAt(index);
            if (term != entry.Term || (index > log.SnapshotIndex && !log.At(index).Data.AsSpan().SequenceEqual(entry.Data)))
                return $"leader completeness: leader {leader.Id} of term {leader.Term} lacks entry ({index}, term {entry.Term}) committed by term {entry.SeenInTerm} (it has term {term?.ToString() ?? "none"} there)";
        }
        return null;
    }

    /// <summary>Log matching: below the highest (index, term) both logs hold, they hold the same entries.</summary>
    private static string? LogMismatch(RaftNode a, RaftNode b)
    {
        var (la, lb) = (a.Log, b.Log);
        var low = Math.Max(la.SnapshotIndex, lb.SnapshotIndex);
        var matched = false;
        for (var index = Math.Min(la.LastIndex, lb.LastIndex); index >= low; index--)
        {
            var (ta, tb) = (la.TermAt(index), lb.TermAt(index));
            if (ta == tb)
            {
                matched = true;
                if (index > la.SnapshotIndex && index > lb.SnapshotIndex && !la.At(index).Data.AsSpan().SequenceEqual(lb.At(index).Data))
                    return $"log matching: {a.Id} and {b.Id} hold different data at ({index}, term {ta})";
            }
            else if (matched)
            {
                return $"log matching: {a.Id} and {b.Id} agree on a later entry but differ at index {index} (terms {ta} and {tb})";
            }
        }
        return null;
    }

    private sealed record Committed(long Term, byte[] Data, long SeenInTerm);
}
