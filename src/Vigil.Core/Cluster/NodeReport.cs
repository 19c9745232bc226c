namespace Vigil.Core.Cluster;

/// <summary>
/// A node's whole local status, sent to the coordinator every heartbeat and on change. Whole-state reports are
/// idempotent, so loss, duplication and reordering only delay the coordinator (it keeps the newest by
/// incarnation and sequence).
/// </summary>
/// <param name="Incarnation">Grows with every restart of the node's agent (persisted by the host).</param>
/// <param name="Sequence">Grows with every report within one incarnation.</param>
/// <param name="StateVersion">The newest committed cluster state version the node had applied.</param>
/// <param name="FailedCriticalDevices">Critical devices whose check fails on this node (ClusterXL).</param>
public sealed record NodeReport(
    string Node,
    long Incarnation,
    long Sequence,
    long StateVersion,
    IReadOnlyList<GroupReport> Groups,
    IReadOnlyList<string> FailedCriticalDevices)
{
    public bool IsNewerThan(NodeReport? other) =>
        other is null || Incarnation > other.Incarnation || (Incarnation == other.Incarnation && Sequence > other.Sequence);

    public GroupReport? For(string group)
    {
        // An index loop, not LINQ: the coordinator asks this for every group on every plan.
        for (var i = 0; i < Groups.Count; i++)
            if (Groups[i].Group == group)
                return Groups[i];
        return null;
    }

    /// <summary>
    /// Whether <paramref name="other"/> says the same as this report: all but the sequence, which only orders
    /// reports. A node reports every heartbeat, so most reports say the same as the one before.
    /// </summary>
    public bool SaysSameAs(NodeReport? other) =>
        other is not null && Node == other.Node && Incarnation == other.Incarnation && StateVersion == other.StateVersion
        && SameItems(Groups, other.Groups, EqualityComparer<GroupReport>.Default)
        && SameItems(FailedCriticalDevices, other.FailedCriticalDevices, StringComparer.Ordinal);

    /// <summary>SequenceEqual by index: asked for every report on both ends, so without LINQ's enumerators.</summary>
    private static bool SameItems<T>(IReadOnlyList<T> a, IReadOnlyList<T> b, IEqualityComparer<T> comparer)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a.Count != b.Count)
            return false;
        for (var i = 0; i < a.Count; i++)
            if (!comparer.Equals(a[i], b[i]))
                return false;
        return true;
    }
}

/// <param name="Generation">The assignment generation this status is about.</param>
/// <param name="Restarts">Local restarts done in this generation.</param>
/// <param name="Detail">Why it failed, for the coordinator's reason text.</param>
public sealed record GroupReport(string Group, long Generation, GroupPhase Phase, int Restarts, string? Detail);

public enum GroupPhase
{
    /// <summary>Exclusive checks and starts under way.</summary>
    Starting,
    Running,
    /// <summary>A local restart after a monitor failure is under way.</summary>
    Restarting,
    Stopping,
    /// <summary>Every resource stopped cleanly.</summary>
    Stopped,
    /// <summary>Failed here (start failed or restarts exhausted) and every resource stopped cleanly.</summary>
    Failed,
    /// <summary>A stop failed: resources may still run; only fencing makes the group safe to start elsewhere.</summary>
    StopFailed,
}
