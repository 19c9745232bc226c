namespace Vigil.Core.Interfaces;

/// <summary>What the kernel says about one interface (netlink RTM_NEWLINK or /sys/class/net).</summary>
/// <param name="Exists">The interface exists on this host.</param>
/// <param name="AdminUp">IFF_UP: the operator set it up.</param>
/// <param name="Running">IFF_RUNNING / IFF_LOWER_UP: carrier present.</param>
public readonly record struct LinkFacts(bool Exists, bool AdminUp, bool Running)
{
    public static readonly LinkFacts Missing = new(false, false, false);
}

/// <summary>Something that happened to one interface group on this node; fed to <see cref="InterfaceGroupMachine.Step"/>.</summary>
public abstract record InterfaceInput;

/// <summary>The kernel reported the link state of an interface (also the initial state at start).</summary>
public sealed record LinkObserved(string Interface, LinkFacts Link) : InterfaceInput;

/// <summary>An echo reply arrived for probe <paramref name="Sequence"/> sent from <paramref name="Interface"/>.</summary>
public sealed record ProbeReplied(string Interface, long Sequence, string From) : InterfaceInput;

/// <summary>A probe could not even be sent (no route, interface gone…): counts as a missed probe.</summary>
public sealed record ProbeNotSent(string Interface, long Sequence, string Error) : InterfaceInput;

/// <summary>Answer to <see cref="DiscoverTargets"/>: routers on the link, else hosts answering an all-hosts echo (may be empty).</summary>
public sealed record TargetsDiscovered(string Interface, IReadOnlyList<string> Targets) : InterfaceInput;

/// <summary>Answer to <see cref="PlaceAddress"/> or <see cref="RemoveAddress"/>.</summary>
public sealed record AddressOpFinished(long Op, bool Succeeded, string Detail) : InterfaceInput;

/// <summary>
/// A request that expects an <see cref="AnswerRequest"/> with the same <see cref="Request"/> number: from the
/// ip_address resource (start/stop/monitor) or from the operator (vigil ip …).
/// </summary>
public abstract record InterfaceRequest(long Request) : InterfaceInput;

/// <summary>ip_address start: bring <paramref name="Address"/> (IP/prefix) up on the best interface of the group.</summary>
public sealed record AddressWanted(long Request, string Resource, string Address) : InterfaceRequest(Request);

/// <summary>ip_address stop: remove the resource's address from wherever it is.</summary>
public sealed record AddressReleased(long Request, string Resource) : InterfaceRequest(Request);

/// <summary>
/// ip_address monitor found the address missing from its interface (or its interface not running): LifeKeeper
/// local recovery — re-establish on the current interface, else move to the backup, else answer failed.
/// </summary>
public sealed record AddressLost(long Request, string Resource, string Why) : InterfaceRequest(Request);

/// <summary>vigil ip backup add RESOURCE INTERFACE (lkipbu -a).</summary>
public sealed record BackupAdd(long Request, string Resource, string Interface) : InterfaceRequest(Request);

/// <summary>vigil ip backup remove RESOURCE INTERFACE (lkipbu -d).</summary>
public sealed record BackupRemove(long Request, string Resource, string Interface) : InterfaceRequest(Request);

/// <summary>vigil ip move RESOURCE: to its backup interface, verified before it is recorded.</summary>
public sealed record MoveToBackup(long Request, string Resource) : InterfaceRequest(Request);

/// <summary>vigil ip switch GROUP|RESOURCE (CIP SWITCH): visiting addresses go home. Null resource: the whole group.</summary>
public sealed record SwitchHome(long Request, string? Resource) : InterfaceRequest(Request);
