using Vigil.Core.Configuration;

namespace Vigil.Core.Interfaces;

/// <summary>Homes and backups of resources: what `stay` failovers and `vigil ip backup` change, and what is persisted.</summary>
public sealed partial class InterfaceGroupMachine
{
    private const string FromOperator = "operator";
    private const string FromConfig = "config";

    /// <summary>The persisted `stay` home if it is still an interface of the group, else the first interface.</summary>
    private string HomeOf(string resource) => homes.TryGetValue(resource, out var home) ? home : members[0].Name;

    /// <summary>The operator's backup, else the configured backup of the home interface.</summary>
    private (string? Name, string? Source) EffectiveBackup(string resource)
    {
        if (backups.TryGetValue(resource, out var added))
            return (added, FromOperator);
        return Member(HomeOf(resource)).Config.Backup is { } configured ? (configured, FromConfig) : (null, null);
    }

    private bool IsVisitorAwayFrom(ManagedAddress address, MemberInterface home) =>
        address.State == ManagedAddress.Placed && address.Current is { } current && current != home.Name
        && HomeOf(address.Resource) == home.Name;

    private bool HasVisitorsAway(MemberInterface home) => addresses.Values.Any(a => IsVisitorAwayFrom(a, home));

    /// <summary>
    /// Under `stay` failback an address that moved makes its new interface its home (LifeKeeper swaps primary and
    /// backup): the old home becomes the operator backup when that backup was the new home. Persisted at once.
    /// </summary>
    private bool StayAt(string resource, string iface)
    {
        var old = HomeOf(resource);
        if (config.Failback != InterfaceFailback.Stay || old == iface)
            return false;
        if (iface == members[0].Name)
            homes.Remove(resource);
        else
            homes[resource] = iface;
        if (backups.TryGetValue(resource, out var added) && added == iface)
            backups[resource] = old;
        SavePlacement();
        return true;
    }

    /// <summary>Always the complete state: every home that differs from the default and every operator backup.</summary>
    private void SavePlacement() =>
        Emit(new SavePlacement(new PersistedPlacement(Group,
            new Dictionary<string, string>(homes, StringComparer.Ordinal),
            new Dictionary<string, string>(backups, StringComparer.Ordinal))));
}
