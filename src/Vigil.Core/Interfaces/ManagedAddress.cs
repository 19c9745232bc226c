namespace Vigil.Core.Interfaces;

/// <summary>The data address of one ip_address resource in the group (test addresses are not managed here).</summary>
internal sealed class ManagedAddress(string resource, string address)
{
    public const string Placing = "placing";
    public const string Placed = "placed";
    public const string Recovering = "recovering";
    public const string Failed = "failed";
    public const string Released = "released";

    public string Resource { get; } = resource;

    /// <summary>IP/prefix.</summary>
    public string Address { get; set; } = address;

    /// <summary>The interface it is on; null when not placed. One interface only: the model has no second copy.</summary>
    public string? Current { get; set; }

    public string State { get; set; } = Placing;

    /// <summary>Its home was repaired under auto failback: return there once no operation is pending.</summary>
    public bool FailbackWanted { get; set; }

    /// <summary>After an automatic move failed, the next attempt waits until then.</summary>
    public TimeSpan RetryMoveAt { get; set; } = TimeSpan.MinValue;
}

/// <summary>Why an address operation was started; decides what its <see cref="AddressOpFinished"/> means.</summary>
internal enum OpPurpose
{
    /// <summary>ip_address start.</summary>
    Place,
    /// <summary>ip_address stop.</summary>
    Remove,
    /// <summary>Its interface failed or went offline.</summary>
    Failover,
    /// <summary>Auto failback after its home was repaired.</summary>
    Failback,
    /// <summary>Local recovery, step 1: re-add on the current interface.</summary>
    Readd,
    /// <summary>Local recovery, step 2: move to the backup.</summary>
    RecoverMove,
    /// <summary>vigil ip move.</summary>
    MoveToBackup,
    /// <summary>vigil ip switch.</summary>
    SwitchHome,
}

/// <summary>An address operation the shell has not answered yet (at most one per resource).</summary>
/// <param name="Reason">Why, for the event: "a0 failed: carrier lost"; for local recovery, the failed step 1.</param>
internal sealed record PendingOp(
    long Op,
    OpPurpose Purpose,
    string Resource,
    string Interface,
    string? From,
    string Reason,
    long? Request,
    SwitchBatch? Batch = null);

/// <summary>One vigil ip switch: answered when the last of its moves finishes.</summary>
internal sealed class SwitchBatch(long request)
{
    public long Request { get; } = request;

    public int Remaining { get; set; }

    public bool AllHome { get; set; } = true;

    public List<string> Lines { get; } = [];
}
