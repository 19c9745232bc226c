namespace Vigil.Core.Heartbeat;

/// <summary>Everything the monitor tracks about one peer: its links in network priority order, incarnation and membership.</summary>
internal sealed class PeerRecord
{
    private readonly Dictionary<string, PeerLink> linksByNetwork;

    public PeerRecord(string name, IEnumerable<string> networksInPriorityOrder)
    {
        Name = name;
        Links = networksInPriorityOrder.Select(n => new PeerLink(n)).ToArray();
        linksByNetwork = Links.ToDictionary(l => l.Network, StringComparer.Ordinal);
    }

    public string Name { get; }

    /// <summary>One link per network both nodes have an address on, highest priority first.</summary>
    public IReadOnlyList<PeerLink> Links { get; }

    /// <summary>The highest incarnation heard, if any.</summary>
    public long? Incarnation { get; set; }

    /// <summary>Whether the peer is in this node's membership view.</summary>
    public bool Member { get; set; }

    public bool AnyUp => Links.Any(l => l.State == NetworkState.Up);

    /// <summary>The latest heartbeat on any network, if any.</summary>
    public TimeSpan? LastHeard => Links.Max(l => l.LastHeard);

    public PeerLink? Link(string network) => linksByNetwork.GetValueOrDefault(network);
}
