namespace Vigil.Core.Cluster;

/// <summary>
/// One node's view of who it can talk to (itself included). Comes from the membership service: today the
/// simulator's, later the heartbeat protocol. <paramref name="ViewId"/> grows with every change.
/// </summary>
public sealed record MembershipView(long ViewId, IReadOnlySet<string> Members)
{
    public static MembershipView Alone(string node) => new(0, new HashSet<string>(StringComparer.Ordinal) { node });

    public bool Contains(string node) => Members.Contains(node);
}
