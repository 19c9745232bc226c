namespace Vigil.Core.Interfaces;

/// <summary>What the shell must do for an interface group; taken from <see cref="InterfaceGroupMachine.TakeCommands"/>.</summary>
public abstract record InterfaceCommand;

/// <summary>Send one ICMP echo from <paramref name="Source"/> (test address, no prefix) bound to the interface.</summary>
public sealed record SendProbe(string Interface, string Source, string Target, long Sequence) : InterfaceCommand;

/// <summary>Find probe targets for the interface: routers on its link, else all-hosts echo responders (first few).</summary>
public sealed record DiscoverTargets(string Interface, string Source) : InterfaceCommand;

/// <summary>
/// Add <paramref name="Address"/> (IP/prefix) on <paramref name="Interface"/>, announce it (gratuitous ARP /
/// unsolicited NA), and when <paramref name="Verify"/> check it answers (ICMP to a target through the interface,
/// else ARP); then, on success only, remove it from <paramref name="From"/> when that is set and differs. On a failed
/// verification the shell removes it from <paramref name="Interface"/> again (leaving <paramref name="From"/> as it was).
/// Answered by <see cref="AddressOpFinished"/> with the same <paramref name="Op"/>.
/// </summary>
public sealed record PlaceAddress(long Op, string Resource, string Address, string Interface, string? From, bool Verify,
    IReadOnlyList<string> VerifyTargets) : InterfaceCommand;

/// <summary>Remove the address from the interface. Answered by <see cref="AddressOpFinished"/>.</summary>
public sealed record RemoveAddress(long Op, string Resource, string Address, string Interface) : InterfaceCommand;

/// <summary>The answer to an <see cref="InterfaceRequest"/>: one line for the operator or the action log.</summary>
public sealed record AnswerRequest(long Request, bool Succeeded, string Detail) : InterfaceCommand;

/// <summary>Write what must survive an agent restart (stay homes, lkipbu backups) to the data dir.</summary>
public sealed record SavePlacement(PersistedPlacement Placement) : InterfaceCommand;

/// <summary>Something an operator should see in the event log (kind is one of <see cref="InterfaceEventKinds"/>).</summary>
public sealed record ReportEvent(string Kind, string Text) : InterfaceCommand;

/// <summary>The event kinds interface groups report.</summary>
public static class InterfaceEventKinds
{
    public const string InterfaceFailed = "interface_failed";
    public const string InterfaceRepaired = "interface_repaired";
    public const string InterfaceOffline = "interface_offline";
    public const string GroupFailed = "interface_group_failed";
    public const string GroupRepaired = "interface_group_repaired";
    public const string AddressMoved = "address_moved";
    public const string AddressRecovered = "address_recovered";
    public const string AddressRecoveryFailed = "address_recovery_failed";
    public const string TargetsFlushed = "probe_targets_flushed";
    public const string TargetsFound = "probe_targets_found";

    public static readonly IReadOnlyList<string> All =
    [
        InterfaceFailed, InterfaceRepaired, InterfaceOffline, GroupFailed, GroupRepaired, AddressMoved,
        AddressRecovered, AddressRecoveryFailed, TargetsFlushed, TargetsFound,
    ];
}

/// <summary>
/// What one interface group on this node keeps across restarts: resource → home interface (after a `stay`
/// failover the backup becomes the home) and resource → backup interface added with `vigil ip backup add`.
/// </summary>
public sealed record PersistedPlacement(
    string Group,
    IReadOnlyDictionary<string, string> Homes,
    IReadOnlyDictionary<string, string> Backups)
{
    public static PersistedPlacement Empty(string group) =>
        new(group, new Dictionary<string, string>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal));
}
