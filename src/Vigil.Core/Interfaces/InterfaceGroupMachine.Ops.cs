namespace Vigil.Core.Interfaces;

/// <summary>
/// Address operations: at most one pending per resource; the model changes only when the shell reports success
/// (a failed PlaceAddress leaves the address where it was).
/// </summary>
public sealed partial class InterfaceGroupMachine
{
    private bool HasOp(string resource) => ops.Values.Any(o => o.Resource == resource);

    private void StartPlace(OpPurpose purpose, ManagedAddress address, string iface, string? from, bool verify, string reason,
        long? request, SwitchBatch? batch = null)
    {
        Invariant.Check(!HasOp(address.Resource), $"one address operation at a time for {address.Resource}");
        Invariant.Check(from != iface, $"{address.Resource} is placed on {iface} from another interface");
        var op = nextOp++;
        ops[op] = new PendingOp(op, purpose, address.Resource, iface, from, reason, request, batch);
        Emit(new PlaceAddress(op, address.Resource, address.Address, iface, from, verify, Member(iface).Probes.Targets.ToArray()));
    }

    private void StartRemove(ManagedAddress address, string iface, long request)
    {
        Invariant.Check(!HasOp(address.Resource), $"one address operation at a time for {address.Resource}");
        var op = nextOp++;
        ops[op] = new PendingOp(op, OpPurpose.Remove, address.Resource, iface, null, "stop", request);
        Emit(new RemoveAddress(op, address.Resource, address.Address, iface));
    }

    private void OnAddressOpFinished(TimeSpan now, AddressOpFinished finished)
    {
        if (!ops.Remove(finished.Op, out var op))
            return; // unknown or repeated answer
        var address = addresses[op.Resource];
        switch (op.Purpose)
        {
            case OpPurpose.Place: PlaceFinished(address, op, finished); break;
            case OpPurpose.Remove: RemoveFinished(address, op, finished); break;
            case OpPurpose.Failover: FailoverFinished(now, address, op, finished); break;
            case OpPurpose.Failback: FailbackFinished(address, op, finished); break;
            case OpPurpose.Readd: ReaddFinished(address, op, finished); break;
            case OpPurpose.RecoverMove: RecoverMoveFinished(address, op, finished); break;
            case OpPurpose.MoveToBackup: MoveToBackupFinished(address, op, finished); break;
            case OpPurpose.SwitchHome: SwitchHomeFinished(address, op, finished); break;
        }

        ServeWaitingRequests();
    }

    private void FailoverFinished(TimeSpan now, ManagedAddress address, PendingOp op, AddressOpFinished finished)
    {
        if (finished.Succeeded)
        {
            MovedTo(address, op, op.Reason);
            return;
        }

        address.RetryMoveAt = now + FailureDetectionTime;
        Report(InterfaceEventKinds.AddressRecoveryFailed,
            $"moving {address.Resource} {address.Address} from {op.From} to {op.Interface} failed: {finished.Detail}; " +
            $"it stays on {op.From}, next attempt in {Text.Duration(FailureDetectionTime)}");
    }

    private void FailbackFinished(ManagedAddress address, PendingOp op, AddressOpFinished finished)
    {
        if (finished.Succeeded)
            MovedTo(address, op, op.Reason);
        else
            Report(InterfaceEventKinds.AddressRecoveryFailed,
                $"returning {address.Resource} {address.Address} to {op.Interface} failed: {finished.Detail}; it stays on {op.From}");
    }

    /// <summary>Records a successful move and reports it: "web-ip 10.0.0.5/24 moved from a0 to a1 (a0 failed: carrier lost); visiting a1".</summary>
    private void MovedTo(ManagedAddress address, PendingOp op, string why)
    {
        address.Current = op.Interface;
        address.State = ManagedAddress.Placed;
        var tail = StayAt(address.Resource, op.Interface) ? $"{op.Interface} is its new home"
            : HomeOf(address.Resource) == op.Interface ? "home again"
            : $"visiting {op.Interface}";
        Report(InterfaceEventKinds.AddressMoved,
            $"{address.Resource} {address.Address} moved from {op.From} to {op.Interface} ({why}); {tail}");
    }
}
