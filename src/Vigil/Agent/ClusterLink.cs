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
/// on every network, so losing one network delays nothing. Messages without news — heartbeats, Raft keep-alives
/// (an empty append with no new commit index, a success answer with no new match), an unchanged lease or
/// report — are sealed as routine: the receiver reads them in one batch per heartbeat (<see cref="UdpTransport"/>)
/// and its loop handles them at its next tick, with their kernel arrival time. Routine messages
/// wait for the next heartbeat to their peer on their network and travel with it in one datagram
/// (<see cref="RoutineOutbox"/>, <see cref="MessageBundle"/>). Received heartbeats update the
/// monitor right on the receive thread; other messages are posted to the loop, waking it unless routine.
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
    private Func<MessageArrived, bool, bool>? deliver;
    private readonly Dictionary<string, (long Term, long Value)> raftCommitSent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Term, long Value)> raftMatchSent = new(StringComparer.Ordinal);
    private readonly RoutineOutbox outbox = new();
    private readonly List<(MessageKind Kind, byte[] Body)> bundle = []; // the heartbeat thread's, reused each beat

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

    /// <summary>
    /// Starts receiving; <paramref name="post"/>(message, wake) queues a message for the loop, waking it when asked.
    /// <paramref name="onHeartbeat"/> runs once per heartbeat on the receive thread, after the routine batch, and
    /// returns the time until the next one.
    /// </summary>
    public void Start(Func<MessageArrived, bool, bool> post, Func<TimeSpan> onHeartbeat)
    {
        deliver = post;
        transport.Start(OnDatagram, onHeartbeat);
        if (!transport.Steering) log("routine messages cannot be steered to a socket of their own here (SO_REUSEPORT with BPF): every datagram wakes the receive thread");
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
        outbox.Forget(table.ContainsKey);
    }

    public IReadOnlyDictionary<string, long> Counters() => counters.Snapshot();

    /// <summary>
    /// Sends a heartbeat to every peer on every network both have (heartbeat thread), each with the routine messages
    /// waiting for that peer on that network (one bundle).
    /// </summary>
    public void SendHeartbeats(byte[] body)
    {
        foreach (var (peer, addresses) in peers)
            foreach (var (network, address) in addresses)
            {
                if (!transport.LocalEndpoints.ContainsKey(network)) continue;
                bundle.Clear();
                bundle.Add((MessageKind.Heartbeat, body));
                var sealedBeat = outbox.TakeInto(peer, network, bundle)
                    ? sealer.Seal(MessageKind.Bundle, MessageBundle.Encode(bundle), routine: true)
                    : sealer.Seal(MessageKind.Heartbeat, body, routine: true);
                transport.Send(network, address, sealedBeat);
            }
    }

    /// <summary>Sends a Raft message (loop thread only): empty appends on every network; keep-alives as routine.</summary>
    public void SendRaft(RaftMessage message) =>
        Send(message.To, MessageKind.Raft, RaftCodec.Encode(message), allNetworks: message is AppendRequest { Entries.IsEmpty: true }, routine: IsKeepAlive(message));

    /// <summary>
    /// A Raft message without news for its receiver: an empty append whose commit index this peer was already sent
    /// in this term, or a success answer whose match index this leader was already sent in this term.
    /// </summary>
    private bool IsKeepAlive(RaftMessage message) => message switch
    {
        AppendRequest a => AlreadySent(raftCommitSent, a.To, a.Term, a.Commit) && a.Entries.IsEmpty,
        AppendResponse { Success: true } r => AlreadySent(raftMatchSent, r.To, r.Term, r.MatchIndex),
        _ => false,
    };

    /// <summary>Whether <paramref name="peer"/> was already sent <paramref name="value"/> (or more) in this term; records it if not.</summary>
    private static bool AlreadySent(Dictionary<string, (long Term, long Value)> sent, string peer, long term, long value)
    {
        if (sent.TryGetValue(peer, out var last) && last.Term == term && last.Value >= value) return true;
        sent[peer] = (term, value);
        return false;
    }

    /// <summary>
    /// Sends to one peer: on its control network, or on every network. A <paramref name="routine"/> message (no
    /// news) may be handled up to a heartbeat late by the receiver; it waits for the next heartbeat to that peer on
    /// that network (less than one interval) and goes with it.
    /// </summary>
    public void Send(string peer, MessageKind kind, byte[] body, bool allNetworks, bool routine = false)
    {
        if (!peers.TryGetValue(peer, out var addresses) || addresses.Count == 0) return;
        if (allNetworks)
        {
            // Sealed per network: each copy has its own sequence number, so the second is not taken for a replay.
            foreach (var (network, address) in addresses)
                if (transport.LocalEndpoints.ContainsKey(network) && !(routine && outbox.TryAdd(peer, network, kind, body)))
                    transport.Send(network, address, sealer.Seal(kind, body, routine));
            return;
        }
        string? best;
        lock (monitorGate) best = monitor.ControlNetwork(peer);
        var chosen = addresses.FirstOrDefault(a => a.Network == best && transport.LocalEndpoints.ContainsKey(a.Network));
        if (chosen.Address is null) chosen = addresses.FirstOrDefault(a => transport.LocalEndpoints.ContainsKey(a.Network));
        if (chosen.Address is not null && !(routine && outbox.TryAdd(peer, chosen.Network, kind, body)))
            transport.Send(chosen.Network, chosen.Address, sealer.Seal(kind, body, routine));
    }

    private void OnDatagram(ReceivedDatagram d)
    {
        var now = clock.Now;
        var result = opener.Open(d.Datagram, now);
        if (result.IsDropped)
        {
            if (reportedDrops.Count < 10_000 && reportedDrops.TryAdd($"{d.From}/{result.Drop}", 0))
                log($"dropped packet from {d.From} on {d.Network}: {result.Detail ?? result.Drop.ToString()} (further drops of this kind from there are only counted)");
            return;
        }
        if (result.Message is not { } message) return; // a fragment of a larger message
        var arrived = now - d.Age;
        switch (message.Kind)
        {
            case MessageKind.Heartbeat:
                HeartbeatArrived(message.Sender, d.Network, message.Body, arrived);
                return;
            case MessageKind.Bundle:
                List<(MessageKind Kind, byte[] Body)> entries;
                try
                {
                    entries = MessageBundle.Decode(message.Body);
                }
                catch (FormatException e)
                {
                    if (reportedDrops.TryAdd($"{message.Sender}/bundle", 0)) log($"bad bundle from {message.Sender}: {e.Message} (further ones are dropped silently)");
                    return;
                }
                foreach (var (kind, body) in entries)
                    if (kind == MessageKind.Heartbeat) HeartbeatArrived(message.Sender, d.Network, body, arrived);
                    else deliver?.Invoke(new MessageArrived(message.Sender, kind, body, arrived, Routine: true), false);
                return;
            default:
                deliver?.Invoke(new MessageArrived(message.Sender, message.Kind, message.Body, arrived, message.Routine), !message.Routine);
                return;
        }
    }

    private void HeartbeatArrived(string sender, string network, byte[] body, TimeSpan arrived)
    {
        try
        {
            var (incarnation, _) = AgentMessages.ReadHeartbeat(body);
            lock (monitorGate) monitor.HeartbeatReceived(clock.Now, sender, network, incarnation, heardAt: arrived);
        }
        catch (FormatException e)
        {
            if (reportedDrops.TryAdd($"{sender}/heartbeat", 0)) log($"bad heartbeat from {sender}: {e.Message}");
        }
    }

    public void Dispose() => transport.Dispose();
}
