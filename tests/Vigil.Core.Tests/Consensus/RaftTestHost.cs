using System.Buffers.Binary;
using Vigil.Core.Consensus;

namespace Vigil.Core.Tests.Consensus;

/// <summary>
/// What one test node's host keeps: its "disk" (hard state, snapshot, entries — persisted from each Ready the
/// way RaftReady prescribes, and kept across restarts) and its state machine, a running hash of the applied
/// entries so that states can be compared index by index across nodes and through snapshots.
/// </summary>
internal sealed class RaftTestHost
{
    public HardState HardState { get; private set; } = HardState.Empty;

    public Snapshot? Snapshot { get; private set; }

    public List<LogEntry> Entries { get; } = [];

    /// <summary>The last index applied to the state machine.</summary>
    public long AppliedIndex { get; private set; }

    /// <summary>The state machine: a hash over every entry applied so far.</summary>
    public ulong StateHash { get; private set; } = 14695981039346656037UL;

    /// <summary>The entries applied since this incarnation started or last installed a snapshot.</summary>
    public List<LogEntry> Applied { get; } = [];

    public RaftRestore ToRestore() => new(HardState, Snapshot, [.. Entries]);

    /// <summary>Persists a Ready: snapshot (keeping the stored entries after it only if it holds its index with its term), entries (truncating first), hard state.</summary>
    public void Persist(RaftReady ready)
    {
        if (ready.Snapshot is { } snapshot) StoreSnapshot(snapshot);
        if (!ready.Entries.IsEmpty)
        {
            var first = ready.Entries[0].Index;
            var baseIndex = Snapshot?.Index ?? 0;
            Assert.True(first > baseIndex && first <= baseIndex + Entries.Count + 1, $"entries from {first} attach to the stored log (base {baseIndex}, {Entries.Count} entries)");
            Entries.RemoveRange((int)(first - baseIndex - 1), Entries.Count - (int)(first - baseIndex - 1));
            Entries.AddRange(ready.Entries);
        }
        if (ready.HardState is not null) HardState = ready.HardState;
    }

    /// <summary>Applies a Ready's snapshot then its committed entries, checking they continue the state machine.</summary>
    public void Apply(RaftReady ready)
    {
        if (ready.Snapshot is { } snapshot)
        {
            Assert.True(snapshot.Index > AppliedIndex, $"an installed snapshot ({snapshot.Index}) is ahead of the state machine ({AppliedIndex})");
            LoadSnapshot(snapshot);
        }
        foreach (var entry in ready.Committed)
        {
            Assert.Equal(AppliedIndex + 1, entry.Index);
            StateHash = Mix(StateHash, entry);
            AppliedIndex = entry.Index;
            Applied.Add(entry);
        }
    }

    /// <summary>A fresh incarnation: the state machine restarts from the stored snapshot.</summary>
    public void Restart()
    {
        if (Snapshot is { } snapshot) LoadSnapshot(snapshot);
        else
        {
            AppliedIndex = 0;
            StateHash = 14695981039346656037UL;
            Applied.Clear();
        }
    }

    /// <summary>The host's snapshot of its state machine (data: the state hash).</summary>
    public byte[] SnapshotData()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(data, StateHash);
        return data;
    }

    /// <summary>Log compaction: the node took a snapshot; the host stores it and drops the entries it covers.</summary>
    public void StoreSnapshot(Snapshot snapshot)
    {
        var baseIndex = Snapshot?.Index ?? 0;
        var stored = snapshot.Index - baseIndex;
        var holds = stored >= 1 && stored <= Entries.Count && Entries[(int)stored - 1].Term == snapshot.Term;
        if (holds) Entries.RemoveRange(0, (int)stored);
        else Entries.Clear();
        Snapshot = snapshot;
    }

    /// <summary>The state hash a snapshot holds.</summary>
    public static ulong HashOf(Snapshot snapshot) => BinaryPrimitives.ReadUInt64LittleEndian(snapshot.Data);

    private void LoadSnapshot(Snapshot snapshot)
    {
        AppliedIndex = snapshot.Index;
        StateHash = HashOf(snapshot);
        Applied.Clear();
    }

    /// <summary>The state machine's transition: the state hash after applying <paramref name="entry"/>.</summary>
    public static ulong Mix(ulong hash, LogEntry entry)
    {
        void Add(byte b) => hash = (hash ^ b) * 1099511628211UL;
        for (var i = 0; i < 8; i++) Add((byte)(entry.Index >> (8 * i)));
        for (var i = 0; i < 8; i++) Add((byte)(entry.Term >> (8 * i)));
        foreach (var b in entry.Data) Add(b);
        return hash;
    }
}
