using Vigil.Core.Cluster;

namespace Vigil.Simulation;

/// <summary>
/// Turns the connectivity truth into each node's membership view. A stand-in for the heartbeat protocol (a later
/// issue replaces it behind this interface). Views may lag the truth; they never include an unreachable node for
/// longer than the implementation's detection time.
/// </summary>
public interface IMembershipService
{
    /// <summary>The truth changed (a crash, a boot, a partition or a heal).</summary>
    void TopologyChanged(TimeSpan now, Topology truth);

    /// <summary>The node booted: its first view (itself alone, with a new view id).</summary>
    MembershipView NodeStarted(TimeSpan now, string node);

    /// <summary>Called on every tick of a live node: its new view if it changed, else null.</summary>
    MembershipView? Poll(TimeSpan now, string node);
}

/// <summary>
/// Responsible for views that follow the truth with the heartbeat protocol's delays, per direction (a node's
/// view holds the peers it hears from): a node learns a peer is gone after <see cref="Vigil.Core.Configuration.TimingConfig.DeadTime"/> of continuous disconnection, and
/// learns a new peer after one heartbeat interval of continuous connection; a view that gains a peer is formed
/// anew and holds only peers connected now (no silent peer rides along). View ids grow per node across restarts.
/// </summary>
public sealed class DelayedMembershipService : IMembershipService
{
    private readonly IReadOnlyList<string> nodes;
    private readonly Dictionary<string, int> indexOf;
    private readonly TimeSpan gainAfter;
    private readonly TimeSpan lossAfter;
    private readonly bool[,] connected;
    private readonly TimeSpan[,] since;
    private readonly HashSet<string>[] views;
    private readonly long[] viewIds;

    public DelayedMembershipService(IReadOnlyList<string> nodeNames, TimeSpan heartbeatInterval, TimeSpan deadTime)
    {
        nodes = nodeNames;
        indexOf = nodes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        (gainAfter, lossAfter) = (heartbeatInterval, deadTime);
        connected = new bool[nodes.Count, nodes.Count];
        since = new TimeSpan[nodes.Count, nodes.Count];
        views = nodes.Select(n => new HashSet<string>(StringComparer.Ordinal) { n }).ToArray();
        viewIds = new long[nodes.Count];
    }

    public void TopologyChanged(TimeSpan now, Topology truth)
    {
        for (var i = 0; i < nodes.Count; i++)
            for (var j = 0; j < nodes.Count; j++)
            {
                // Node i hears node j: what a heartbeat protocol sees (one-way cuts make views disagree).
                var isConnected = i != j && truth.IsUp(nodes[i]) && truth.IsUp(nodes[j]) && truth.LinkUp(nodes[j], nodes[i]);
                if (isConnected == connected[i, j]) continue;
                connected[i, j] = isConnected;
                since[i, j] = now;
            }
    }

    public MembershipView NodeStarted(TimeSpan now, string node)
    {
        var i = indexOf[node];
        views[i] = new HashSet<string>(StringComparer.Ordinal) { node };
        return new MembershipView(++viewIds[i], new HashSet<string>(views[i], StringComparer.Ordinal));
    }

    public MembershipView? Poll(TimeSpan now, string node)
    {
        var i = indexOf[node];
        var members = new HashSet<string>(StringComparer.Ordinal) { node };
        var gained = false;
        for (var j = 0; j < nodes.Count; j++)
        {
            if (j == i || !connected[i, j]) continue;
            var inView = views[i].Contains(nodes[j]);
            if (inView || now - since[i, j] >= gainAfter) members.Add(nodes[j]);
            gained |= !inView && now - since[i, j] >= gainAfter;
        }
        // A view that grows is a newly formed membership (as a totem ring forms): only peers that answer now are
        // in it. Otherwise a silent peer stays until DeadTime has passed.
        if (!gained)
            for (var j = 0; j < nodes.Count; j++)
                if (j != i && !connected[i, j] && views[i].Contains(nodes[j]) && now - since[i, j] < lossAfter)
                    members.Add(nodes[j]);
        if (members.SetEquals(views[i])) return null;
        views[i] = members;
        return new MembershipView(++viewIds[i], new HashSet<string>(members, StringComparer.Ordinal));
    }
}
