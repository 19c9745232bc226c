using Vigil.Core.Cluster;

namespace Vigil.Core.Heartbeat;

/// <summary>Read-only answers for the coordinator, the control channel and <c>vigil status</c>.</summary>
public sealed partial class HeartbeatMonitor
{
    /// <summary>This node plus every alive peer; the id grows by exactly one per input that changes the member set.</summary>
    public MembershipView View { get; private set; }

    /// <summary>Peers, in ordinal order.</summary>
    public IReadOnlyList<string> Peers => peerNames;

    /// <summary>Heartbeat networks, highest priority first.</summary>
    public IReadOnlyList<string> NetworkPriority => networkPriority;

    /// <summary>Lifeguard local-health multiplier, 0 (healthy) to <see cref="HeartbeatConstants.MaxLocalHealth"/>.</summary>
    public int LocalHealth => health.Value;

    /// <summary>
    /// The dead time in force: <c>DeadTime × (1 + LocalHealth)</c>, at most
    /// <see cref="HeartbeatConstants.MaxDeadTimeScale"/> × DeadTime.
    /// </summary>
    public TimeSpan EffectiveDeadTime => timing.DeadTime * Math.Min(1 + LocalHealth, HeartbeatConstants.MaxDeadTimeScale);

    /// <summary><c>1 + LocalHealth</c>: the factor by which the host should stretch its Raft election timeout.</summary>
    public double ElectionScale => 1 + LocalHealth;

    /// <summary>Heartbeats ignored: unknown peer or network, this node's own name, or no link between them.</summary>
    public long IgnoredHeartbeats { get; private set; }

    /// <summary>Heartbeats ignored because they carried an older incarnation than already heard.</summary>
    public long StaleHeartbeats { get; private set; }

    /// <summary>Events dropped because more than <see cref="HeartbeatConstants.EventCapacity"/> were pending.</summary>
    public long DroppedEvents => events.Dropped;

    /// <summary>The peer's state on the network. Throws for an unknown peer or a network it has no link on.</summary>
    public NetworkState State(string peer, string network) =>
        Record(peer).Link(network)?.State
        ?? throw new ArgumentException($"peer '{peer}' has no heartbeat link on network '{network}'", nameof(network));

    /// <summary>The peer's state on each network both nodes are on; enumerates in priority order.</summary>
    public IReadOnlyDictionary<string, NetworkState> Networks(string peer)
    {
        var states = new Dictionary<string, NetworkState>(StringComparer.Ordinal);
        foreach (var link in Record(peer).Links)
            states.Add(link.Network, link.State);
        return states;
    }

    /// <summary>When the peer was last heard on any network (monitor time), or null if never.</summary>
    public TimeSpan? LastHeard(string peer) => Record(peer).LastHeard;

    /// <summary>The highest incarnation heard from the peer, or null if never heard.</summary>
    public long? Incarnation(string peer) => Record(peer).Incarnation;

    /// <summary>
    /// Where to send control traffic to the peer: the highest-priority network on which it is Up and fresh (heard
    /// less than <see cref="HeartbeatConstants.FreshIntervals"/> heartbeat intervals ago, this node's pauses excluded),
    /// else the highest-priority Up network, else null. Control traffic thus leaves a failing network after a few
    /// missed heartbeats and returns on its first heartbeat, while the network's Down state is only reported.
    /// </summary>
    public string? ControlNetwork(string peer)
    {
        var links = Record(peer).Links;
        var freshBelow = timing.HeartbeatInterval * HeartbeatConstants.FreshIntervals;
        return links.FirstOrDefault(l => l.State == NetworkState.Up && l.Silence(lastNow) < freshBelow)?.Network
            ?? links.FirstOrDefault(l => l.State == NetworkState.Up)?.Network;
    }

    private PeerRecord Record(string peer) =>
        peersByName.GetValueOrDefault(peer) ?? throw new ArgumentException($"unknown peer '{peer}'", nameof(peer));
}
