namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// What <see cref="PacketOpener.Open"/> made of one datagram: a complete message, a fragment stored
/// for later (<see cref="IsPending"/>), or a drop with its reason and a one-line explanation.
/// </summary>
public readonly record struct OpenResult
{
    private OpenResult(WireMessage? message, DropReason drop, string? detail, string? sender)
    {
        Message = message;
        Drop = drop;
        Detail = detail;
        Sender = sender;
    }

    /// <summary>The complete message, or null.</summary>
    public WireMessage? Message { get; }

    /// <summary>Why the datagram was dropped; <see cref="DropReason.None"/> when it was not.</summary>
    public DropReason Drop { get; }

    /// <summary>For a drop: a lower-case explanation for logs, e.g. "cluster id 9 is not ours (1)".</summary>
    public string? Detail { get; }

    /// <summary>
    /// The sender's name once the tag has been verified (so it can be trusted for per-sender logging);
    /// null for drops decided before that (malformed, foreign cluster, bad tag).
    /// </summary>
    public string? Sender { get; }

    /// <summary>True when the datagram was dropped.</summary>
    public bool IsDropped => Drop != DropReason.None;

    /// <summary>True when the datagram was an accepted fragment of a message not yet complete.</summary>
    public bool IsPending => Message is null && Drop == DropReason.None;

    internal static OpenResult Complete(WireMessage message) => new(message, DropReason.None, null, message.Sender);

    internal static OpenResult Pending(string sender) => new(null, DropReason.None, null, sender);

    internal static OpenResult Dropped(DropReason reason, string detail, string? sender = null) => new(null, reason, detail, sender);

    /// <inheritdoc />
    public override string ToString() =>
        Message is { } m ? $"message {m.Kind} from {m.Sender} ({m.Body.Length} bytes)"
        : IsPending ? "fragment stored"
        : $"dropped ({Drop}): {Detail}";
}
