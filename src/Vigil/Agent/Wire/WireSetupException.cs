namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// The network layer cannot start: a bad cluster key file, or a local endpoint that cannot be bound.
/// The message is a complete, user-facing sentence (no stack trace needed to understand it).
/// </summary>
public sealed class WireSetupException(string message) : Exception(message);
