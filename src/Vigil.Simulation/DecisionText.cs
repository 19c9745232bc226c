using Vigil.Core.Decisions;

namespace Vigil.Simulation;

/// <summary>Short event log phrases for decisions: what happened, then the coordinator's reason.</summary>
internal static class DecisionText
{
    public static string Describe(Decision decision) => What(decision) + ": " + decision.Reason;

    private static string What(Decision decision) => decision switch
    {
        NodeJoined d => $"{d.Node} joined",
        NodeFailed d => $"{d.Node} failed",
        FenceRequested d => $"fence {d.Node} (attempt {d.Attempt})",
        NodeFenced d => $"{d.Node} fenced",
        FenceFailed d => $"fencing {d.Node} failed (attempt {d.Attempt}, retry at {d.RetryAt.TotalSeconds:F3}s)",
        GroupAssigned d => $"{d.Group} -> {d.Node} (generation {d.Generation}{(d.ActiveAttention ? ", active attention" : "")})",
        GroupReleased d => $"{d.Group} released on {d.Node}",
        GroupStopped d => $"{d.Group} stopped on {d.Node}",
        GroupFailed d => $"{d.Group} failed on {d.Node}",
        FailbackRequested d => $"{d.Group} failback requested",
        RuntimeDomainChanged d => $"{d.Group} run-time domain [{string.Join(",", d.Domain)}]",
        GroupMoveRequested d => $"{d.Group} move to {d.Node} requested",
        NodeAdminChanged d => $"{d.Node} admin {d.State.ToString().ToLowerInvariant()}",
        FailuresCleared d => $"{d.Group} failures cleared{(d.Node is null ? "" : " on " + d.Node)}",
        ClusterFormed => "cluster formed",
        _ => decision.GetType().Name,
    };
}
