namespace Vigil.Core.Interfaces;

/// <summary>
/// Operator requests: `vigil ip backup add|remove` and `vigil ip move` (lkipbu -a/-r/-m), `vigil ip switch`
/// (CIP SWITCH). A refusal is answered at once and changes nothing.
/// </summary>
public sealed partial class InterfaceGroupMachine
{
    private void AddBackup(BackupAdd add)
    {
        var refusal = !addresses.ContainsKey(add.Resource) ? Unknown(add.Resource)
            : !byName.ContainsKey(add.Interface) ? $"no interface named {add.Interface} in interface group {Group}"
            : add.Interface == HomeOf(add.Resource) ? $"{add.Interface} is the home interface of {add.Resource}; a backup must be another interface"
            : EffectiveBackup(add.Resource) is ({ } backup, var source)
                ? $"{add.Resource} already has backup interface {backup} " +
                  $"({(source == FromConfig ? "from the configuration" : "added by an operator")}); remove it first"
            : null;
        if (refusal is not null)
        {
            Answer(add.Request, false, refusal);
            return;
        }

        backups[add.Resource] = add.Interface;
        SavePlacement();
        Answer(add.Request, true, $"backup {add.Interface} added to {add.Resource}");
    }

    private void RemoveBackup(BackupRemove remove)
    {
        if (!addresses.ContainsKey(remove.Resource))
        {
            Answer(remove.Request, false, Unknown(remove.Resource));
            return;
        }

        var (backup, source) = EffectiveBackup(remove.Resource);
        var refusal = backup is null ? $"{remove.Resource} has no backup interface"
            : backup != remove.Interface ? $"{remove.Interface} is not the backup of {remove.Resource} (its backup is {backup})"
            : source == FromConfig
                ? $"backup {backup} of {remove.Resource} comes from the configuration (interface {HomeOf(remove.Resource)}); " +
                  "change the configuration to remove it"
            : null;
        if (refusal is not null)
        {
            Answer(remove.Request, false, refusal);
            return;
        }

        backups.Remove(remove.Resource);
        SavePlacement();
        var now = EffectiveBackup(remove.Resource).Name is { } configured ? $"; its backup is now {configured} (from the configuration)" : "";
        Answer(remove.Request, true, $"backup {remove.Interface} removed from {remove.Resource}{now}");
    }

    private void MoveToBackup(MoveToBackup move)
    {
        var known = addresses.GetValueOrDefault(move.Resource);
        var backup = known is null ? null : EffectiveBackup(move.Resource).Name;
        var refusal = known is null ? Unknown(move.Resource)
            : backup is null ? $"{move.Resource} has no backup interface; add one with vigil ip backup add {move.Resource} INTERFACE"
            : known.Current is null ? $"{move.Resource} is not up in interface group {Group} on this node; nothing to move"
            : known.Current == backup ? $"{move.Resource} is already on its backup interface {backup}"
            : !Member(backup).Usable ? $"backup interface {backup} of {move.Resource} is {Member(backup).StateText()}"
            : null;
        if (refusal is not null)
        {
            Answer(move.Request, false, refusal);
            return;
        }

        known!.FailbackWanted = false; // the operator decides now
        StartPlace(OpPurpose.MoveToBackup, known, backup!, known.Current, true, "vigil ip move", move.Request);
    }

    private void MoveToBackupFinished(ManagedAddress address, PendingOp op, AddressOpFinished finished)
    {
        if (!finished.Succeeded)
        {
            Answer(op.Request!.Value, false,
                $"moving {address.Resource} to {op.Interface} failed verification: {finished.Detail}; it stays on {op.From}");
            return;
        }

        MovedTo(address, op, op.Reason);
        var home = HomeOf(address.Resource) == op.Interface ? $"; {op.Interface} is its new home" : "";
        Answer(op.Request!.Value, true, $"{address.Resource} {address.Address} moved from {op.From} to backup {op.Interface}{home}");
    }

    /// <summary>Visiting addresses go home (verified); answered once every move finished.</summary>
    private void SwitchHome(SwitchHome request)
    {
        if (request.Resource is { } named && !addresses.ContainsKey(named))
        {
            Answer(request.Request, false, Unknown(named));
            return;
        }

        var visiting = addresses.Values.Where(a => a.State == ManagedAddress.Placed && a.Current is { } c && c != HomeOf(a.Resource))
            .Where(a => request.Resource is null || a.Resource == request.Resource)
            .OrderBy(a => a.Resource, StringComparer.Ordinal).ToList();
        if (visiting.Count == 0)
        {
            Answer(request.Request, true, request.Resource is { } r ? $"{r} is not visiting in group {Group}" : $"nothing visiting in group {Group}");
            return;
        }

        var stuck = visiting.Where(a => !Member(HomeOf(a.Resource)).Usable)
            .Select(a => $"home interface {HomeOf(a.Resource)} of {a.Resource} is {Member(HomeOf(a.Resource)).StateText()}").ToList();
        if (stuck.Count == visiting.Count)
        {
            Answer(request.Request, false, string.Join("; ", stuck));
            return;
        }

        var batch = new SwitchBatch(request.Request) { AllHome = stuck.Count == 0 };
        batch.Lines.AddRange(stuck);
        foreach (var address in visiting.Where(a => Member(HomeOf(a.Resource)).Usable))
        {
            batch.Remaining++;
            address.FailbackWanted = false;
            StartPlace(OpPurpose.SwitchHome, address, HomeOf(address.Resource), address.Current, true, "vigil ip switch", null, batch);
        }
    }

    private void SwitchHomeFinished(ManagedAddress address, PendingOp op, AddressOpFinished finished)
    {
        var batch = op.Batch!;
        batch.Remaining--;
        if (finished.Succeeded)
        {
            MovedTo(address, op, op.Reason);
            batch.Lines.Add($"{address.Resource} back home on {op.Interface}");
        }
        else
        {
            batch.AllHome = false;
            batch.Lines.Add($"returning {address.Resource} to {op.Interface} failed: {finished.Detail}; it stays on {op.From}");
        }

        if (batch.Remaining == 0)
            Answer(batch.Request, batch.AllHome, string.Join("; ", batch.Lines));
    }
}
