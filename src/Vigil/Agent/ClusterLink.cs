using System.Collections.Concurrent;
using System.Net;
using Vigil.Cli.Agent.Wire;
using Vigil.Core.Configuration;
using Vigil.Core.Consensus;
using Vigil.Core.Heartbeat;

namespace Vigil.Cli.Agent;

/// <summary>
/// The agent's cluster network: seals and sends messages to peers, and opens what arrives. Heartbeats go on
/// every network; control traffic (Raft, reports, requests) goes on the peer's best network
/// (<see cref="HeartbeatMonitor.ControlNetwork"/>, FailSafe's priority order) and Raft heartbeats and leases
/// on every network, so losing one network delays nothing. Received heartbeats update the monitor right on
/// the receive thread (never queued behind other work); other messages are posted to the loop.
/// Drops are counted; the first drop of each kind per source is logged.
/// </summary>
internal sealed class ClusterLink : IDisposable
{
    private readonly string self;
    private readonly PacketSealer sealer;
    private readonly PacketOpener opener;
    private readonly UdpTransport transport;
    private readonly WireCounters counters;
    private readonly HeartbeatMonitor monitor;
    private readonly Lock monitorGate;
    private readonly AgentClock clock;
    private readonly Action<string> log;
    private readonly ConcurrentDictionary<string, byte> reportedDrops = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, IReadOnlyList<(string Network, IPEndPoint Address)>> peers =
        new Dictionary<string, IReadOnlyList<(string, IPEndPoint)>>();
    private Func<MessageArrived, bool>? deliver;

    public ClusterLink(AgentSettings settings, ClusterKey key, ulong epoch, HeartbeatMonitor monitor, Lock monitorGate, AgentClock clock, Action<string> log)
    {
        self = settings.Node.Name;
        var config = settings.Config;
        counters = new WireCounters();
        sealer = new PacketSealer(config.Cluster.Id, self, epoch, key);
        opener = new PacketOpener(config.Cluster.Id, key, config.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal), self, counters);
        transport = new UdpTransport(settings.Bindings, counters);
        (this.monitor, this.monitorGate, this.clock, this.log) = (monitor, monitorGate, clock, log);
        UpdatePeers(config);
    }

    /// <summary>Starts receiving; <paramref name="post"/> queues a message for the loop.</summary>
    public void Start(Func<MessageArrived, bool> post)
    {
        deliver = post;
        transport.Start(OnDatagram);
    }

    /// <summary>
    /// Peers from a (newly committed) configuration: their addresses, the senders accepted, and the failure
    /// detector's peers (first, so no peer is ever sent to before the detector knows it).
    /// </summary>
    public void UpdatePeers(ClusterConfig config)
    {
        lock (monitorGate) monitor.SetPeers(config);
        opener.SetKnownSenders(config.Nodes.Select(n => n.Name));
        var table = new Dictionary<string, IReadOnlyList<(string, IPEndPoint)>>(StringComparer.Ordinal);
        foreach (var node in config.Nodes.Where(n => n.Name != self))
        {
            var list = new List<(string, IPEndPoint)>();
            foreach (var network in config.Networks)
                if (node.Addresses.TryGetValue(network.Name, out var text) && AddressParser.TryParseEndpoint(text, out var endpoint))
                    list.Add((network.Name, endpoint!));
            table[node.Name] = list;
        }
        peers = table;
    }

    public IReadOnlyDictionary<string, long> Counters() => counters.Snapshot();

    /// <summary>Sends a heartbeat to every peer on every network both have (heartbeat thread).</summary>
    public void SendHeartbeats(byte[] body)
    {
        foreach (var (_, addresses) in peers)
            foreach (var (network, address) in addresses)
                if (transport.LocalEndpoints.ContainsKey(network)) transport.Send(network, address, sealer.Seal(MessageKind.Heartbeat, body));
    }

    public void SendRaft(RaftMessage message) =>
        Send(message.To, MessageKind.Raft, RaftCodec.Encode(message), allNetworks: message is AppendRequest { Entries.IsEmpty: true });

    /// <summary>Sends to one peer: on its control network, or on every network.</summary>
    public void Send(string peer, MessageKind kind, byte[] body, bool allNetworks)
    {
        if (!peers.TryGetValue(peer, out var addresses) || addresses.Count == 0) return;
        if (allNetworks)
        {
            // Sealed per network: each copy has its own sequence number, so the second is not taken for a replay.
            foreach (var (network, address) in addresses)
                if (transport.LocalEndpoints.ContainsKey(network)) transport.Send(network, address, sealer.Seal(kind, body));
            return;
        }
        string? best;
        lock (monitorGate) best = monitor.ControlNetwork(peer);
        var chosen = addresses.FirstOrDefault(a => a.Network == best && transport.LocalEndpoints.ContainsKey(a.Network));
        if (chosen.Address is null) chosen = addresses.FirstOrDefault(a => transport.LocalEndpoints.ContainsKey(a.Network));
        if (chosen.Address is not null) transport.Send(chosen.Network, chosen.Address, sealer.Seal(kind, body));
    }

    private void OnDatagram(string network, byte[] datagram, IPEndPoint from)
    {
        var result = opener.Open(datagram, clock.Now);
        if (result.IsDropped)
        {
            if (reportedDrops.Count < 10_000 && reportedDrops.TryAdd($"{from}/{result.Drop}", 0))
                log($"dropped packet from {from} on {network}: {result.Detail ?? result.Drop.ToString()} (further drops of this kind from there are only counted)");
            return;
        }
        if (result.Message is not { } message) return; // a fragment of a larger message
        if (message.Kind == MessageKind.Heartbeat)
        {
            try
            {
                var (incarnation, _) = AgentMessages.ReadHeartbeat(message.Body);
                lock (monitorGate) monitor.HeartbeatReceived(clock.Now, message.Sender, network, incarnation);
            }
            catch (FormatException e)
            {
                if (reportedDrops.TryAdd($"{message.Sender}/heartbeat", 0)) log($"bad heartbeat from {message.Sender}: {e.Message}");
            }
            return;
        }
        deliver?.Invoke(new MessageArrived(message.Sender, message.Kind, message.Body));
    }

    public void Dispose() => transport.Dispose();
}
