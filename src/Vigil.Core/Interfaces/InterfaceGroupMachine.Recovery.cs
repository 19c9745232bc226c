namespace Vigil.Core.Interfaces;

/// <summary>
/// LifeKeeper IP local recovery, when the ip_address monitor finds its address gone: re-add it on the current
/// interface; if that fails, move it to its backup; if that fails too, answer failed so the resource fails over.
/// </summary>
public sealed partial class InterfaceGroupMachine
{
    private void Recover(AddressLost lost)
    {
        if (!addresses.TryGetValue(lost.Resource, out var address))
        {
            Answer(lost.Request, false, Unknown(lost.Resource));
            return;
        }

        if (address.Current is not { } current)
        {
            Answer(lost.Request, false, $"{lost.Resource} is not up in interface group {Group} on this node");
            return;
        }

        address.State = ManagedAddress.Recovering;
        var here = Member(current);
        if (here.Usable)
            StartPlace(OpPurpose.Readd, address, current, null, true, $"monitor: {lost.Why}", lost.Request);
        else
            MoveToRecover(address, here, $"{current} is {here.StateText()}", lost.Request);
    }

    private void ReaddFinished(ManagedAddress address, PendingOp op, AddressOpFinished finished)
    {
        if (finished.Succeeded)
        {
            address.State = ManagedAddress.Placed;
            Recovered(op, $"{address.Resource} re-established on {op.Interface}");
            return;
        }

        MoveToRecover(address, Member(op.Interface), $"re-adding on {op.Interface} failed ({finished.Detail})", op.Request!.Value);
    }

    /// <summary>Step 2: the effective backup when usable, else the failover order away from the current interface.</summary>
    private void MoveToRecover(ManagedAddress address, MemberInterface current, string earlier, long request)
    {
        var (backup, _) = EffectiveBackup(address.Resource);
        var target = backup is not null && backup != current.Name && Member(backup).Usable
            ? Member(backup)
            : FailoverTarget(address.Resource, current);
        if (target is null)
        {
            RecoveryFailed(address, request, $"{address.Resource}: {earlier}; no other running interface to move to");
            return;
        }

        StartPlace(OpPurpose.RecoverMove, address, target.Name, current.Name, true, earlier, request);
    }

    private void RecoverMoveFinished(ManagedAddress address, PendingOp op, AddressOpFinished finished)
    {
        var to = op.Interface == EffectiveBackup(address.Resource).Name ? $"backup {op.Interface}" : op.Interface;
        if (!finished.Succeeded)
        {
            RecoveryFailed(address, op.Request!.Value, $"{address.Resource}: {op.Reason}; moving to {to} failed ({finished.Detail})");
            return;
        }

        address.Current = op.Interface;
        address.State = ManagedAddress.Placed;
        var home = StayAt(address.Resource, op.Interface) ? $"; {op.Interface} is its new home" : "";
        Recovered(op, $"{address.Resource} moved from {op.From} to {to}: {op.Reason}{home}");
    }

    private void Recovered(PendingOp op, string text)
    {
        Report(InterfaceEventKinds.AddressRecovered, text);
        Answer(op.Request!.Value, true, text);
    }

    private void RecoveryFailed(ManagedAddress address, long request, string text)
    {
        address.State = ManagedAddress.Failed;
        Report(InterfaceEventKinds.AddressRecoveryFailed, text);
        Answer(request, false, text);
    }
}
