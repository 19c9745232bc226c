using Vigil.Core.Configuration;

namespace Vigil.Core.Interfaces;

/// <summary>
/// Where addresses belong: failover off interfaces that cannot hold them, failback to repaired homes, and the
/// events an operator reads about both. Runs after every input and tick.
/// </summary>
public sealed partial class InterfaceGroupMachine
{
    private sealed record Move(string Resource, string From, string To, OpPurpose Purpose);

    private void Settle(TimeSpan now)
    {
        foreach (var member in members)
            DecideLinkAndRepair(member);
        var changes = members.Where(m => m.Reported != m.Condition).Select(m => (Member: m, Before: m.Reported)).ToList();
        foreach (var (member, before) in changes.Where(c => c.Member.Condition == InterfaceState.Ok))
            BecameUsable(member, before);
        var moves = MoveAddresses(now);
        foreach (var (member, before) in changes)
        {
            ReportChange(member, before, moves);
            member.Reported = member.Condition;
        }

        ReportGroupState();
        foreach (var member in members.Where(m => m.RepairedSinceFailure && !HasVisitorsAway(m)))
            member.RepairedSinceFailure = false;
        CheckInvariants();
    }

    private void BecameUsable(MemberInterface member, InterfaceState? before)
    {
        member.RepairedSinceFailure = before is not null;
        if (config.Failback != InterfaceFailback.Auto)
            return;
        // Edge-triggered: only this transition sends addresses home, so an operator's move while home stays
        // healthy is not undone.
        foreach (var address in addresses.Values.Where(a => IsVisitorAwayFrom(a, member)))
            address.FailbackWanted = true;
    }

    /// <summary>Starts failovers off unusable interfaces and wanted failbacks, for addresses with no operation pending.</summary>
    private List<Move> MoveAddresses(TimeSpan now)
    {
        var moves = new List<Move>();
        foreach (var address in addresses.Values.OrderBy(a => a.Resource, StringComparer.Ordinal))
        {
            if (address.State != ManagedAddress.Placed || address.Current is not { } current || HasOp(address.Resource))
                continue;
            var here = Member(current);
            var home = Member(HomeOf(address.Resource));
            if (!here.Usable)
            {
                address.FailbackWanted = false;
                if (now < address.RetryMoveAt || FailoverTarget(address.Resource, here) is not { } target)
                    continue; // group failure: the address stays where it is
                StartPlace(OpPurpose.Failover, address, target.Name, current, false, $"{current} {here.Describe()}", null);
                moves.Add(new Move(address.Resource, current, target.Name, OpPurpose.Failover));
            }
            else if (address.FailbackWanted)
            {
                address.FailbackWanted = false;
                if (home == here || !home.Usable)
                    continue;
                StartPlace(OpPurpose.Failback, address, home.Name, current, false, $"{home.Name} repaired", null);
                moves.Add(new Move(address.Resource, current, home.Name, OpPurpose.Failback));
            }
        }

        return moves;
    }

    /// <summary>
    /// Where an address goes when <paramref name="from"/> cannot hold it: (a) its home, when usable and not
    /// <paramref name="from"/> (CIP: a visiting address goes home when the interface it visits fails); (b) the
    /// configured backup of <paramref name="from"/> (CIP pair); (c) the resource's operator backup; (d) the first
    /// usable interface in config order. Null when no other interface is usable.
    /// </summary>
    private MemberInterface? FailoverTarget(string resource, MemberInterface from)
    {
        var home = Member(HomeOf(resource));
        if (home != from && home.Usable)
            return home;
        if (from.Config.Backup is { } pair && byName.TryGetValue(pair, out var partner) && partner != from && partner.Usable)
            return partner;
        if (backups.TryGetValue(resource, out var added) && Member(added) is { Usable: true } backup && backup != from)
            return backup;
        return members.FirstOrDefault(m => m.Usable && m != from);
    }

    private void ReportChange(MemberInterface member, InterfaceState? before, List<Move> moves)
    {
        var subject = $"interface {member.Name} of group {Group}";
        switch (member.Condition)
        {
            case InterfaceState.Ok when before is not null:
                var how = before == InterfaceState.Offline ? "is back online" : $"repaired: {member.RepairReason}";
                Report(InterfaceEventKinds.InterfaceRepaired, $"{subject} {how}{Returns(member, moves)}");
                break;
            case InterfaceState.Failed:
                Report(InterfaceEventKinds.InterfaceFailed, $"{subject} failed: {member.FailReason}{Departures(member, moves)}");
                break;
            case InterfaceState.Offline:
                Report(InterfaceEventKinds.InterfaceOffline, $"{subject} is offline: {member.OfflineReason}{Departures(member, moves)}");
                break;
        }
    }

    /// <summary>"; web-ip moves to a1; db-ip stays on a0 (no running interface left)".</summary>
    private string Departures(MemberInterface member, List<Move> moves)
    {
        var lines = moves.Where(m => m.From == member.Name).Select(m => $"{m.Resource} moves to {m.To}").ToList();
        lines.AddRange(addresses.Values.OrderBy(a => a.Resource, StringComparer.Ordinal)
            .Where(a => a.Current == member.Name && a.State == ManagedAddress.Placed && !HasOp(a.Resource))
            .Where(a => FailoverTarget(a.Resource, member) is null)
            .Select(a => $"{a.Resource} stays on {member.Name} (no running interface left)"));
        return string.Concat(lines.Select(l => $"; {l}"));
    }

    /// <summary>"; web-ip returns from a1" (auto) or "; web-ip stays visiting a1 until vigil ip switch public".</summary>
    private string Returns(MemberInterface member, List<Move> moves)
    {
        var lines = moves.Where(m => m.To == member.Name && m.Purpose == OpPurpose.Failback)
            .Select(m => $"{m.Resource} returns from {m.From}").ToList();
        lines.AddRange(addresses.Values.OrderBy(a => a.Resource, StringComparer.Ordinal)
            .Where(a => IsVisitorAwayFrom(a, member) && !HasOp(a.Resource))
            .Select(a => $"{a.Resource} stays visiting {a.Current} until vigil ip switch {Group}"));
        return string.Concat(lines.Select(l => $"; {l}"));
    }

    private InterfaceGroupState GroupState()
    {
        var usable = members.Count(m => m.Usable);
        return usable == members.Count ? InterfaceGroupState.Ok
            : usable == 0 ? InterfaceGroupState.Failed
            : InterfaceGroupState.Degraded;
    }

    /// <summary>GroupFailed / GroupRepaired on transitions, once every link is known (no noise at start).</summary>
    private void ReportGroupState()
    {
        if (members.Any(m => m.Link is null))
            return;
        var state = GroupState();
        if (state == InterfaceGroupState.Failed && reportedGroup != InterfaceGroupState.Failed)
        {
            var placed = addresses.Values.Where(a => a.Current is not null).OrderBy(a => a.Resource, StringComparer.Ordinal)
                .Select(a => $"{a.Resource} on {a.Current}").ToList();
            var stay = placed.Count > 0 ? $"addresses stay: {string.Join(", ", placed)}" : "no address is placed";
            Report(InterfaceEventKinds.GroupFailed, $"interface group {Group} failed: no running interface ({InterfaceStates()}); {stay}");
        }
        else if (state != InterfaceGroupState.Failed && reportedGroup == InterfaceGroupState.Failed)
        {
            var running = string.Join(", ", members.Where(m => m.Usable).Select(m => m.Name));
            Report(InterfaceEventKinds.GroupRepaired, $"interface group {Group} repaired: {running} running again");
        }

        reportedGroup = state;
    }

    /// <summary>"a0 failed: carrier lost, a1 offline: administratively down".</summary>
    private string InterfaceStates() => string.Join(", ", members.Select(m => $"{m.Name} {m.Describe()}"));
}
