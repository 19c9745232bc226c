using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Consensus;

namespace Vigil.Core.Database;

/// <summary>
/// The cluster database: the state machine the replicated log is applied to, identical on every node. It holds
/// the newest committed configuration (text and model, with its version) and the <see cref="ClusterState"/>
/// (node states, group placement, failure counts, fencing results). Entries that do not apply (a stale batch, a
/// concurrent config version) are skipped the same way everywhere, so skipping never makes nodes disagree.
/// </summary>
public sealed class ClusterDatabase
{
    private ClusterDatabase(long appliedIndex, long configVersion, string? configText, ClusterConfig? config, ClusterState? state)
    {
        AppliedIndex = appliedIndex;
        ConfigVersion = configVersion;
        ConfigText = configText;
        Config = config;
        State = state;
    }

    /// <summary>An empty database (no configuration committed yet).</summary>
    public static ClusterDatabase Empty() => new(0, 0, null, null, null);

    /// <summary>The database as of a Raft snapshot.</summary>
    public static ClusterDatabase FromSnapshot(Snapshot snapshot)
    {
        var saved = DatabaseCodec.DecodeSnapshot(snapshot.Data);
        ClusterConfig? config = null;
        if (saved.ConfigText is { } text)
            config = ConfigLoader.Load(text, $"config version {saved.ConfigVersion}").Config
                ?? throw new FormatException($"snapshot at index {snapshot.Index} holds config version {saved.ConfigVersion} that this vigil cannot load");
        return new ClusterDatabase(snapshot.Index, saved.ConfigVersion, saved.ConfigText, config, saved.State);
    }

    /// <summary>Index of the last log entry applied.</summary>
    public long AppliedIndex { get; private set; }

    /// <summary>0 until the first configuration commits.</summary>
    public long ConfigVersion { get; private set; }

    public string? ConfigText { get; private set; }

    public ClusterConfig? Config { get; private set; }

    public ClusterState? State { get; private set; }

    /// <summary>The database's content for a snapshot at <see cref="AppliedIndex"/>.</summary>
    public byte[] SnapshotData() => DatabaseCodec.Encode(new DatabaseSnapshot(ConfigVersion, ConfigText, State));

    /// <summary>
    /// Applies the next committed entry (its index must follow <see cref="AppliedIndex"/>). A config entry is loaded
    /// from its text, unless that text is the committed config's or <paramref name="loaded"/>'s (a model the caller
    /// already loaded from exactly that text with <see cref="ConfigLoader"/>, e.g. when it validated the proposal):
    /// loading is deterministic, so the outcome is the same, without parsing the YAML again.
    /// </summary>
    public ApplyOutcome Apply(LogEntry entry, LoadedConfig? loaded = null)
    {
        Invariant.Check(entry.Index == AppliedIndex + 1, $"entry {entry.Index} applied after {AppliedIndex}");
        AppliedIndex = entry.Index;
        if (entry.Data.Length == 0) return ApplyOutcome.Noop;
        DatabaseEntry decoded;
        try
        {
            decoded = DatabaseCodec.Decode(entry.Data);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or NotSupportedException)
        {
            return new ApplyOutcome(ApplyKind.Skipped, $"entry {entry.Index} cannot be read: {ex.Message}");
        }
        return decoded switch
        {
            ConfigCommitted c => ApplyConfig(entry.Index, c, loaded),
            DecisionsCommitted d => ApplyDecisions(entry.Index, d),
            _ => new ApplyOutcome(ApplyKind.Skipped, $"entry {entry.Index}: unknown kind"),
        };
    }

    private ApplyOutcome ApplyConfig(long index, ConfigCommitted c, LoadedConfig? known)
    {
        if (c.Version != ConfigVersion + 1)
            return new ApplyOutcome(ApplyKind.Skipped, $"config version {c.Version} at entry {index} skipped: the cluster is at version {ConfigVersion}");
        ClusterConfig next;
        if (Config is not null && string.Equals(c.Text, ConfigText, StringComparison.Ordinal))
            next = Config;
        else if (known is not null && string.Equals(c.Text, known.Text, StringComparison.Ordinal))
            next = known.Config;
        else
        {
            var loaded = ConfigLoader.Load(c.Text, $"config version {c.Version}");
            if (loaded.Config is null)
                return new ApplyOutcome(ApplyKind.Skipped, $"config version {c.Version} at entry {index} does not load here: {loaded.Problems.FirstOrDefault()}");
            next = loaded.Config;
        }
        if (Config is not null && State is not null && ConfigChangeRules.Check(Config, State, next).FirstOrDefault() is { } problem)
            return new ApplyOutcome(ApplyKind.Skipped, $"config version {c.Version} at entry {index} skipped: {problem}");
        State = State is null ? ClusterState.Initial(next) : ClusterStateMigration.To(State, Config!, next);
        (Config, ConfigText, ConfigVersion) = (next, c.Text, c.Version);
        return new ApplyOutcome(ApplyKind.ConfigChanged, $"config version {c.Version} committed ({c.Origin})");
    }

    private ApplyOutcome ApplyDecisions(long index, DecisionsCommitted d)
    {
        if (State is null || d.ConfigVersion != ConfigVersion || d.BaseVersion != State.Version)
            return new ApplyOutcome(ApplyKind.Skipped,
                $"batch of {d.Decisions.Length} decisions at entry {index} from {d.Coordinator} skipped: computed on state {d.BaseVersion} (config {d.ConfigVersion}), database at state {State?.Version ?? 0} (config {ConfigVersion})");
        try
        {
            State = ClusterStateReducer.ApplyAll(State, d.Decisions);
            return new ApplyOutcome(ApplyKind.StateChanged, $"{d.Decisions.Length} decisions from {d.Coordinator}", d);
        }
        catch (Exception ex) when (ex is InvariantViolationException or KeyNotFoundException)
        {
            // Deterministic on every node: the batch is refused as a whole, nothing half-applied.
            return new ApplyOutcome(ApplyKind.Skipped, $"batch at entry {index} from {d.Coordinator} refused: {ex.Message}");
        }
    }
}

public enum ApplyKind { Noop, ConfigChanged, StateChanged, Skipped }

/// <summary>A configuration model and the exact text <see cref="ConfigLoader"/> loaded it from (without problems).</summary>
public sealed record LoadedConfig(string Text, ClusterConfig Config);

/// <summary>What applying one entry did; <see cref="Detail"/> is a log line; <see cref="Batch"/> the decisions applied, if any.</summary>
public sealed record ApplyOutcome(ApplyKind Kind, string Detail, DecisionsCommitted? Batch = null)
{
    public static readonly ApplyOutcome Noop = new(ApplyKind.Noop, "");
}
