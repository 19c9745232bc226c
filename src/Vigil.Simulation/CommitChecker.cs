using Vigil.Core.Cluster;
using Vigil.Core.Consensus;

namespace Vigil.Simulation;

/// <summary>
/// Responsible for consensus safety, checked against every node's applied entries and stable storage: (a) an
/// index applied anywhere holds the same entry (term and bytes) wherever else it is applied — so a committed entry
/// is never overwritten; (b) a node that becomes leader holds every entry committed so far in its persisted log,
/// with the same term (or covers it by its snapshot) — so no committed entry goes missing on a later leader.
/// It also keeps the committed truth: the cluster state as of the highest index applied anywhere.
/// </summary>
internal sealed class CommitChecker
{
    /// <summary>Entry applied at index i + 1 (first applier's copy), or null when only a snapshot covered it.</summary>
    private readonly List<LogEntry?> applied = [];

    /// <summary>Term of each snapshot point seen (index → term), for indexes no node applied one by one.</summary>
    private readonly Dictionary<long, long> snapshotTerms = [];

    /// <summary>The highest index applied (or installed by snapshot) on any node: everything up to it is committed.</summary>
    public long CommittedIndex => applied.Count;

    /// <summary>The cluster state as of <see cref="CommittedIndex"/> (null before the first configuration commits).</summary>
    public ClusterState? Truth { get; private set; }

    /// <summary>A node applied <paramref name="entry"/>; the problem when it differs from what another node applied there.</summary>
    public string? Applied(string node, LogEntry entry, ClusterState? stateAfter)
    {
        var index = entry.Index;
        if (index <= applied.Count)
        {
            if (applied[(int)index - 1] is { } known)
                return Same(known, entry) ? null
                    : $"{node} applied entry {index} of term {entry.Term} ({entry.Data.Length} bytes), but entry {index} of term {known.Term} ({known.Data.Length} bytes) was applied before";
            applied[(int)index - 1] = entry;
            return SnapshotTermProblem(node, index, entry.Term);
        }
        while (applied.Count < index - 1) applied.Add(null);
        applied.Add(entry);
        Truth = stateAfter;
        return SnapshotTermProblem(node, index, entry.Term);
    }

    /// <summary>A node's database now starts from <paramref name="snapshot"/> (installed from a leader, or restored at boot).</summary>
    public string? SnapshotInstalled(string node, Snapshot snapshot, ClusterState? state)
    {
        if (TermAt(snapshot.Index) is { } term && term != snapshot.Term)
            return $"{node} installed a snapshot at index {snapshot.Index} of term {snapshot.Term}, but the entry committed there has term {term}";
        snapshotTerms.TryAdd(snapshot.Index, snapshot.Term);
        if (snapshot.Index > applied.Count)
        {
            while (applied.Count < snapshot.Index) applied.Add(null);
            Truth = state;
        }
        return null;
    }

    /// <summary>
    /// <paramref name="node"/> just became leader: every committed index must be in its stored log with the term
    /// it was committed with, or be covered by its stored snapshot.
    /// </summary>
    public string? LeaderElected(string node, long term, SimStorage storage)
    {
        if (storage.Snapshot is { } snapshot && TermAt(snapshot.Index) is { } atSnapshot && atSnapshot != snapshot.Term)
            return $"{node} became leader in term {term} with a snapshot at {snapshot.Index} of term {snapshot.Term}, but the entry committed there has term {atSnapshot}";
        for (var index = storage.SnapshotIndex + 1; index <= CommittedIndex; index++)
        {
            var held = storage.EntryAt(index);
            var committedTerm = TermAt(index);
            if (held is null)
                return $"{node} became leader in term {term} without committed entry {index} (its log ends at {storage.LastIndex}; {CommittedIndex} entries are committed)";
            if (committedTerm is { } t && held.Term != t)
                return $"{node} became leader in term {term} holding entry {index} of term {held.Term}, but the committed entry {index} has term {t}";
            if (applied[(int)index - 1] is { } known && !Same(known, held))
                return $"{node} became leader in term {term} holding an entry {index} whose bytes differ from the committed one";
        }
        return null;
    }

    private long? TermAt(long index) =>
        index >= 1 && index <= applied.Count && applied[(int)index - 1] is { } entry ? entry.Term
        : snapshotTerms.TryGetValue(index, out var term) ? term
        : null;

    private string? SnapshotTermProblem(string node, long index, long term) =>
        snapshotTerms.TryGetValue(index, out var snapshotTerm) && snapshotTerm != term
            ? $"{node} applied entry {index} of term {term}, but a snapshot of term {snapshotTerm} covers that index"
            : null;

    private static bool Same(LogEntry a, LogEntry b) =>
        a.Term == b.Term && (ReferenceEquals(a.Data, b.Data) || a.Data.AsSpan().SequenceEqual(b.Data));
}
