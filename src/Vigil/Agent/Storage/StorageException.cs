namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// The node's stable storage cannot be used: a corrupt snapshot, a data dir held by another agent, a permission
/// problem, a failed write or fsync. The message is written for operators (what, where, what to do) and is meant
/// to be printed as one line, without a stack trace.
/// </summary>
public sealed class StorageException(string message, Exception? inner = null) : Exception(message, inner);
