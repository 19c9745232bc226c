namespace Vigil.Cli.Agent.Wire;

/// <summary>A complete, authenticated cluster message.</summary>
/// <param name="Sender">The sending node's name (one of the known senders).</param>
/// <param name="Epoch">The sender's boot epoch.</param>
/// <param name="Kind">What the body is.</param>
/// <param name="Body">The opaque body bytes (reassembled when the message was fragmented).</param>
/// <param name="Routine">The sender marked it routine: no news, may be handled up to one heartbeat late.</param>
public sealed record WireMessage(string Sender, ulong Epoch, MessageKind Kind, byte[] Body, bool Routine = false);
