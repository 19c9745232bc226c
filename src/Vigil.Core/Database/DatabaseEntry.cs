using System.Collections.Immutable;
using Vigil.Core.Decisions;

namespace Vigil.Core.Database;

/// <summary>
/// The payload of one entry of the replicated log: what the cluster database is made of. Entries are applied in
/// log order on every node (<see cref="ClusterDatabase.Apply"/>), so every node derives the same database.
/// </summary>
public abstract record DatabaseEntry;

/// <summary>
/// A new configuration version (ClusterXL's policy install): the whole YAML text, so a node that was down reads
/// the newest configuration from the log or a snapshot. It applies only on top of version
/// <paramref name="Version"/> - 1; otherwise it is skipped (a concurrent apply won).
/// </summary>
public sealed record ConfigCommitted(long Version, string Text, string Origin) : DatabaseEntry;

/// <summary>
/// A coordinator's batch of decisions computed on state version <paramref name="BaseVersion"/>. It applies
/// atomically only when the state is still at that version; otherwise the whole batch is skipped (a stale
/// coordinator's proposal never lands on a state it did not see).
/// </summary>
public sealed record DecisionsCommitted(long ConfigVersion, long BaseVersion, ImmutableArray<Decision> Decisions, string Coordinator) : DatabaseEntry;
