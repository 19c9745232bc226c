namespace Vigil.Core.Interfaces;

/// <summary>
/// Requests: dispatch and waiting (a request for a resource with an operation pending waits for it, in order),
/// and the ip_address resource's start and stop.
/// </summary>
public sealed partial class InterfaceGroupMachine
{
    private void OnRequest(InterfaceRequest request)
    {
        if (request is BackupAdd or BackupRemove)
        {
            Serve(request); // no address operation: never waits
            return;
        }

        if (!MustWait(request, waiting.Count))
            Serve(request);
        else if (waiting.Count < MaxWaitingRequests)
            waiting.Add(request);
        else
            Answer(request.Request, false, $"too many requests waiting in interface group {Group}; try again later");
    }

    /// <summary>Requests whose resource has no operation pending any more are served, oldest first.</summary>
    private void ServeWaitingRequests()
    {
        for (var i = 0; i < waiting.Count;)
        {
            if (MustWait(waiting[i], i))
            {
                i++;
                continue;
            }

            var request = waiting[i];
            waiting.RemoveAt(i);
            Serve(request);
        }
    }

    /// <summary>Its resource (any, for a group-wide switch) has an operation pending or an older request waiting.</summary>
    private bool MustWait(InterfaceRequest request, int olderWaiting)
    {
        var resource = ResourceOf(request);
        var busy = resource is null ? ops.Count > 0 : HasOp(resource);
        return busy || waiting.Take(olderWaiting).Any(w => ResourceOf(w) is not { } other || resource is null || other == resource);
    }

    private static string? ResourceOf(InterfaceRequest request) => request switch
    {
        AddressWanted r => r.Resource,
        AddressReleased r => r.Resource,
        AddressLost r => r.Resource,
        BackupAdd r => r.Resource,
        BackupRemove r => r.Resource,
        MoveToBackup r => r.Resource,
        SwitchHome r => r.Resource,
        _ => throw new ArgumentException($"unknown interface request {request.GetType().Name}", nameof(request)),
    };

    private void Serve(InterfaceRequest request)
    {
        switch (request)
        {
            case AddressWanted wanted: Start(wanted); break;
            case AddressReleased released: Stop(released); break;
            case AddressLost lost: Recover(lost); break;
            case BackupAdd add: AddBackup(add); break;
            case BackupRemove remove: RemoveBackup(remove); break;
            case MoveToBackup move: MoveToBackup(move); break;
            case SwitchHome home: SwitchHome(home); break;
        }
    }

    private string Unknown(string resource) => $"no ip_address resource named {resource} in interface group {Group} on this node";

    /// <summary>Home if usable, else the failover order from home; already placed on a usable interface: done.</summary>
    private void Start(AddressWanted wanted)
    {
        addresses.TryGetValue(wanted.Resource, out var known);
        if (known is { Current: { } on } && known.Address != wanted.Address)
        {
            Answer(wanted.Request, false, $"{wanted.Resource} is up as {known.Address} on {on}; stop it before starting it as {wanted.Address}");
            return;
        }

        if (known is { State: ManagedAddress.Placed, Current: { } current } && Member(current).Usable)
        {
            Answer(wanted.Request, true, UpText(known, current));
            return;
        }

        var home = Member(HomeOf(wanted.Resource));
        if ((home.Usable ? home : FailoverTarget(wanted.Resource, home)) is not { } target)
        {
            Answer(wanted.Request, false, $"no running interface in interface group {Group} on this node ({InterfaceStates()})");
            return;
        }

        var address = known ?? new ManagedAddress(wanted.Resource, wanted.Address);
        address.Address = wanted.Address;
        address.State = ManagedAddress.Placing;
        addresses[wanted.Resource] = address;
        var from = address.Current == target.Name ? null : address.Current;
        var why = home.Usable ? "start" : $"home {home.Name} {home.Describe()}";
        StartPlace(OpPurpose.Place, address, target.Name, from, false, why, wanted.Request);
    }

    private void PlaceFinished(ManagedAddress address, PendingOp op, AddressOpFinished finished)
    {
        if (!finished.Succeeded)
        {
            address.State = ManagedAddress.Failed;
            Answer(op.Request!.Value, false, $"adding {address.Resource} {address.Address} on {op.Interface} failed: {finished.Detail}");
            return;
        }

        address.Current = op.Interface;
        address.State = ManagedAddress.Placed;
        var text = StayAt(address.Resource, op.Interface) ? $"{UpText(address, op.Interface)}, its new home ({op.Reason})"
            : HomeOf(address.Resource) == op.Interface ? UpText(address, op.Interface)
            : $"{UpText(address, op.Interface)}, visiting ({op.Reason})";
        Answer(op.Request!.Value, true, text);
    }

    private static string UpText(ManagedAddress address, string iface) => $"{address.Resource} {address.Address} up on {iface}";

    /// <summary>Removes the address wherever it is; the resource is then forgotten (its persisted home and backup stay).</summary>
    private void Stop(AddressReleased released)
    {
        if (!addresses.TryGetValue(released.Resource, out var address) || address.Current is not { } current)
        {
            addresses.Remove(released.Resource);
            Answer(released.Request, true, $"{released.Resource} is not placed in interface group {Group}");
            return;
        }

        address.State = ManagedAddress.Released;
        StartRemove(address, current, released.Request);
    }

    private void RemoveFinished(ManagedAddress address, PendingOp op, AddressOpFinished finished)
    {
        addresses.Remove(address.Resource);
        var text = finished.Succeeded
            ? $"{address.Resource} {address.Address} removed from {op.Interface}"
            : $"removing {address.Resource} {address.Address} from {op.Interface} failed: {finished.Detail}";
        Answer(op.Request!.Value, finished.Succeeded, text);
    }
}
