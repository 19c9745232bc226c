namespace Vigil.Core.Interfaces;

/// <summary>What `vigil ip status` shows, and the invariants checked after every step.</summary>
public sealed partial class InterfaceGroupMachine
{
    /// <summary>The group as an operator sees it: interfaces in config order, addresses by resource name.</summary>
    public InterfaceGroupView View() => new(
        Group,
        GroupState(),
        config.Failback,
        FailureDetectionTime,
        ProbeInterval,
        members.Select(InterfaceViewOf).ToArray(),
        addresses.Values.OrderBy(a => a.Resource, StringComparer.Ordinal).Select(AddressViewOf).ToArray());

    private InterfaceView InterfaceViewOf(MemberInterface member) => new(
        member.Name,
        StateOf(member),
        FlagsOf(member),
        member.Config.TestAddress,
        member.Config.Backup,
        member.Probes.Targets.ToArray(),
        member.Probes.Counters(),
        ReasonOf(member));

    private InterfaceState StateOf(MemberInterface member) =>
        member.Offline ? InterfaceState.Offline
        : member.Failed ? InterfaceState.Failed
        : member.RepairedSinceFailure && HasVisitorsAway(member) ? InterfaceState.Repaired
        : InterfaceState.Ok;

    private string[] FlagsOf(MemberInterface member)
    {
        var flags = new List<string>();
        if (member.Running)
            flags.Add("RUNNING");
        if (member.Failed)
            flags.Add("FAILED");
        if (member.Offline)
            flags.Add("OFFLINE");
        if (member.Usable && !addresses.Values.Any(a => a.Current == member.Name))
            flags.Add("INACTIVE");
        if (!member.Probing)
            flags.Add("NOPROBE");
        return [.. flags];
    }

    private string ReasonOf(MemberInterface member)
    {
        if (member.Offline)
            return member.OfflineReason;
        if (member.Failed)
            return member.FailReason!;
        if (StateOf(member) != InterfaceState.Repaired)
            return "";
        var away = addresses.Values.Where(a => IsVisitorAwayFrom(a, member)).OrderBy(a => a.Resource, StringComparer.Ordinal)
            .Select(a => $"{a.Resource} visiting {a.Current}");
        return $"repaired ({member.RepairReason}); {string.Join(", ", away)} (vigil ip switch {Group})";
    }

    private AddressView AddressViewOf(ManagedAddress address)
    {
        var home = HomeOf(address.Resource);
        var (backup, source) = EffectiveBackup(address.Resource);
        var visiting = address.Current is not null && address.Current != home;
        return new AddressView(address.Resource, address.Address, home, address.Current, visiting, backup, source, address.State);
    }

    private void CheckInvariants()
    {
        foreach (var address in addresses.Values)
        {
            Invariant.Check(byName.ContainsKey(HomeOf(address.Resource)), $"home of {address.Resource} is in group {Group}");
            Invariant.Check(address.Current is null || byName.ContainsKey(address.Current),
                $"{address.Resource} is on an interface of group {Group}");
            Invariant.Check(address.State != ManagedAddress.Placed || address.Current is not null,
                $"placed address {address.Resource} has an interface");
        }

        foreach (var op in ops.Values)
        {
            Invariant.Check(addresses.ContainsKey(op.Resource), $"address operation {op.Op} is for a known resource");
            Invariant.Check(ops.Values.Count(o => o.Resource == op.Resource) == 1, $"one address operation at a time for {op.Resource}");
        }

        foreach (var member in members)
            Invariant.Check(member.Probes.Outstanding <= ProbeTracker.MaxOutstanding, $"at most one probe in flight on {member.Name}");
        Invariant.Check(waiting.Count <= MaxWaitingRequests, $"waiting requests of group {Group} are bounded");
        Invariant.Check(backups.All(b => byName.ContainsKey(b.Value) && b.Value != HomeOf(b.Key)),
            $"an operator backup in group {Group} is another interface of the group than the home");
    }
}
