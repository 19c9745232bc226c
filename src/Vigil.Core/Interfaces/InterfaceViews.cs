using Vigil.Core.Configuration;

namespace Vigil.Core.Interfaces;

public enum InterfaceState
{
    /// <summary>Link running and probes (when used) answered.</summary>
    Ok,
    /// <summary>Carrier lost, or 5 consecutive probes missed.</summary>
    Failed,
    /// <summary>Missing from the host or administratively down.</summary>
    Offline,
    /// <summary>Working again after a failure, but addresses that left it are still visiting elsewhere (manual failback).</summary>
    Repaired,
}

public enum InterfaceGroupState
{
    Ok,
    /// <summary>Some interfaces failed or offline, at least one usable.</summary>
    Degraded,
    /// <summary>Every interface failed or offline: no address moves.</summary>
    Failed,
}

/// <summary>Probe counters of one interface (in.mpathd style).</summary>
public sealed record ProbeCounters(long Sent, long Replied, long Missed, int MissStreak, int ReplyStreak, string? LastTarget, string? LastResult);

/// <param name="Flags">IPMP-like flags: RUNNING, FAILED, OFFLINE, INACTIVE (usable, no data address), NOPROBE (no test address or probes off).</param>
public sealed record InterfaceView(
    string Name,
    InterfaceState State,
    IReadOnlyList<string> Flags,
    string? TestAddress,
    string? Backup,
    IReadOnlyList<string> Targets,
    ProbeCounters Probes,
    string Reason);

/// <param name="Home">Where the address belongs (first interface of the group, or the persisted `stay` home).</param>
/// <param name="Current">Where it is now; null when not placed.</param>
/// <param name="Visiting">Placed on an interface other than its home (CIP visiting resource).</param>
/// <param name="Backup">The resource's backup interface: `vigil ip backup add`, else its home interface's configured backup.</param>
/// <param name="BackupSource">"operator" or "config" (null when there is no backup).</param>
/// <param name="State">placing, placed, recovering, failed or released.</param>
public sealed record AddressView(
    string Resource,
    string Address,
    string Home,
    string? Current,
    bool Visiting,
    string? Backup,
    string? BackupSource,
    string State);

public sealed record InterfaceGroupView(
    string Group,
    InterfaceGroupState State,
    InterfaceFailback Failback,
    TimeSpan FailureDetectionTime,
    TimeSpan ProbeInterval,
    IReadOnlyList<InterfaceView> Interfaces,
    IReadOnlyList<AddressView> Addresses);
