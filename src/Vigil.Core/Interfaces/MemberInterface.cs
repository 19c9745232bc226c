using Vigil.Core.Configuration;

namespace Vigil.Core.Interfaces;

/// <summary>
/// Responsible for what the machine knows of one interface of the group: its link facts, whether it failed and
/// why, its probes and the discovery of its targets.
/// </summary>
internal sealed class MemberInterface(InterfaceConfig config, bool probesEnabled)
{
    public InterfaceConfig Config { get; } = config;

    public string Name => Config.Name;

    /// <summary>The test address without its prefix: the source of probes. Test addresses never move.</summary>
    public string? Source { get; } = config.TestAddress?.Split('/')[0];

    /// <summary>Null until the first <see cref="LinkObserved"/>: an unknown link counts as offline.</summary>
    public LinkFacts? Link { get; set; }

    /// <summary>Why the interface failed; null while it has not.</summary>
    public string? FailReason { get; private set; }

    /// <summary>Why it was last repaired, for the event.</summary>
    public string RepairReason { get; private set; } = "";

    public bool Failed => FailReason is not null;

    public bool Offline => Link is not { Exists: true, AdminUp: true };

    public bool Running => Link is { Running: true };

    /// <summary>Can hold data addresses: present, administratively up and not failed.</summary>
    public bool Usable => !Offline && !Failed;

    public ProbeTracker Probes { get; } = new();

    /// <summary>Probe-based detection applies to it: probes on and a test address.</summary>
    public bool ProbesConfigured => probesEnabled && Source is not null;

    /// <summary>It probes now: probe-based detection and at least one target.</summary>
    public bool Probing => ProbesConfigured && Probes.Targets.Count > 0;

    /// <summary>A discovery was asked and not yet answered.</summary>
    public bool Discovering { get; set; }

    /// <summary>When to ask for targets (again); <see cref="TimeSpan.MaxValue"/> when none are needed.</summary>
    public TimeSpan DiscoverAt { get; set; } = TimeSpan.MaxValue;

    /// <summary>
    /// Repair waits for probe replies while the interface probes or its targets are being discovered (a flush
    /// must not let a link alone repair an interface that failed its probes).
    /// </summary>
    public bool RepairNeedsProbes => ProbesConfigured && (Probes.Targets.Count > 0 || Discovering);

    /// <summary>Set when it becomes usable again after a failure; shown as Repaired while its addresses visit elsewhere.</summary>
    public bool RepairedSinceFailure { get; set; }

    /// <summary>The condition last reported in an event (Ok, Failed or Offline); null until its link is known.</summary>
    public InterfaceState? Reported { get; set; }

    /// <summary>Ok, Failed or Offline (Repaired is a view of Ok); null while the link is unknown.</summary>
    public InterfaceState? Condition => Link is null ? null
        : Offline ? InterfaceState.Offline
        : Failed ? InterfaceState.Failed
        : InterfaceState.Ok;

    public string OfflineReason => Link switch
    {
        null => "link state not yet known",
        { Exists: false } => "missing from the host",
        _ => "administratively down",
    };

    /// <summary>"failed: carrier lost", "offline: administratively down" or "running".</summary>
    public string Describe() => Offline ? $"offline: {OfflineReason}" : Failed ? $"failed: {FailReason}" : "running";

    /// <summary>"failed (carrier lost)", "offline (missing from the host)" or "running".</summary>
    public string StateText() => Offline ? $"offline ({OfflineReason})" : Failed ? $"failed ({FailReason})" : "running";

    public void Fail(string reason)
    {
        FailReason = reason;
        RepairedSinceFailure = false;
        Probes.ResetReplyStreak();
    }

    public void Repair(string reason)
    {
        FailReason = null;
        RepairReason = reason;
    }
}
