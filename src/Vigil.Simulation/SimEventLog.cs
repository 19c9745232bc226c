using System.Globalization;

namespace Vigil.Simulation;

/// <summary>What an event log line is about.</summary>
public enum SimLogKind
{
    /// <summary>A timeline action (fault, repair) was applied.</summary>
    Fault,
    /// <summary>An operator command was handed to a coordinator (or lost).</summary>
    Operator,
    /// <summary>A committed decision, with its reason.</summary>
    Decision,
    /// <summary>A coordinator's notice.</summary>
    Coordinator,
    /// <summary>A node controller's notice.</summary>
    Notice,
    /// <summary>A resource action began or completed.</summary>
    Action,
    /// <summary>A fence request or result.</summary>
    Fence,
    /// <summary>A node booted, crashed or self-fenced.</summary>
    Node,
    /// <summary>A node's membership view changed.</summary>
    Membership,
    /// <summary>A failover script ran.</summary>
    Script,
    /// <summary>Consensus: a leader elected or stepping down, the configuration committed, snapshots.</summary>
    Raft,
    /// <summary>An invariant was violated.</summary>
    Violation,
    /// <summary>Debug: followers' Raft state, skipped batches, refused leases, compactions.</summary>
    Debug,
}

/// <summary>One time-stamped event log line; <see cref="Node"/> is the node it happened on, if any.</summary>
public sealed record SimLogEntry(TimeSpan At, SimLogKind Kind, string? Node, string Message)
{
    /// <summary>"   12.345s decision   n1: web -> n2: n1 failed" — readable like crm_simulate output.</summary>
    public string ToText() => string.Create(CultureInfo.InvariantCulture,
        $"{At.TotalSeconds,9:F3}s {Kind.ToString().ToLowerInvariant(),-11} {(Node is null ? "" : Node + ": ")}{Message}");
}

/// <summary>Responsible for the run's event log: a bounded list of entries, as text or structured.</summary>
public sealed class SimEventLog(int maxEntries)
{
    private readonly List<SimLogEntry> entries = [];

    public IReadOnlyList<SimLogEntry> Entries => entries;

    public void Add(TimeSpan at, SimLogKind kind, string? node, string message)
    {
        if (entries.Count >= maxEntries)
            throw new SimulationLimitException($"event log is full ({maxEntries} entries); something repeats without end");
        entries.Add(new SimLogEntry(at, kind, node, message));
    }

    public IReadOnlyList<string> Lines() => entries.Select(e => e.ToText()).ToList();

    public string ToText() => string.Join('\n', entries.Select(e => e.ToText())) + "\n";
}
