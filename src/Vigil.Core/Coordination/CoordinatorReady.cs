using System.Collections.Immutable;

namespace Vigil.Core.Coordination;

/// <summary>
/// What the host must do after a coordinator step, in this order: commit <see cref="Decisions"/> atomically on
/// top of state version <see cref="BaseVersion"/> (reject them if the state moved on), feed the new state back
/// as <see cref="StateCommitted"/>, and only then execute <see cref="Effects"/>. Effects of rejected decisions
/// are dropped; the coordinator asks again on a later step.
/// </summary>
public sealed record CoordinatorReady(
    long BaseVersion,
    ImmutableArray<Decisions.Decision> Decisions,
    ImmutableArray<CoordinatorEffect> Effects,
    ImmutableArray<string> Notices)
{
    public static readonly CoordinatorReady Empty = new(-1, [], [], []);

    public bool IsEmpty => Decisions.IsEmpty && Effects.IsEmpty && Notices.IsEmpty;
}

/// <summary>Something the coordinator's host does in the world after the decisions committed.</summary>
public abstract record CoordinatorEffect;

/// <summary>Run the node's fence device; answer with <see cref="FenceCompleted"/>.</summary>
public sealed record FenceNode(string Node, int Attempt, string Device, string? Port) : CoordinatorEffect;

/// <summary>Run a custom failover script; answer with <see cref="FailoverScriptCompleted"/>.</summary>
public sealed record RunFailoverScript(string Group, string ScriptPath, ImmutableArray<string> RuntimeDomain, ImmutableArray<string> Membership) : CoordinatorEffect;
