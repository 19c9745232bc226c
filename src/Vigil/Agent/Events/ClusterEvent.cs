using System.Reflection;
using System.Text.Json.Serialization;
using Vigil.Core.Decisions;

namespace Vigil.Cli.Agent.Events;

/// <summary>
/// One line of `vigil events`: a committed decision (the same on every node), or something this node saw itself
/// (a resource action failed, quorum lost, a fence ran). <paramref name="Kind"/> is a snake_case word
/// (node_failed, group_assigned, action_failed, quorum_lost…); Node and Group name what it is about, if anything.
/// </summary>
internal sealed record ClusterEvent(long Seq, DateTimeOffset Time, string Kind, string Message, string? Node, string? Group, string Source)
{
    private static readonly Dictionary<Type, string> DecisionKinds = typeof(Decision).GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToDictionary(a => a.DerivedType, a => a.TypeDiscriminator?.ToString() ?? a.DerivedType.Name);

    public static string KindOf(Decision decision) => DecisionKinds.GetValueOrDefault(decision.GetType(), decision.GetType().Name);

    /// <summary>The node and group a decision is about.</summary>
    public static (string? Node, string? Group) Subject(Decision decision) => decision switch
    {
        NodeJoined d => (d.Node, null),
        NodeFailed d => (d.Node, null),
        FenceRequested d => (d.Node, null),
        NodeFenced d => (d.Node, null),
        FenceFailed d => (d.Node, null),
        GroupAssigned d => (d.Node, d.Group),
        GroupReleased d => (d.Node, d.Group),
        GroupStopped d => (d.Node, d.Group),
        GroupFailed d => (d.Node, d.Group),
        RuntimeDomainChanged d => (null, d.Group),
        GroupMoveRequested d => (d.Node, d.Group),
        FailbackRequested d => (null, d.Group),
        NodeAdminChanged d => (d.Node, null),
        FailuresCleared d => (d.Node, d.Group),
        _ => (null, null),
    };
}
