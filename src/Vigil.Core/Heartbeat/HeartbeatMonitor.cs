using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Core.Heartbeat;

/// <summary>
/// The heartbeat failure detector as a pure state machine: the host feeds it received heartbeats and its own
/// heartbeat timer's ticks, with explicit times; it keeps per-peer, per-network state, the membership view, the
/// control network of each peer and Lifeguard-style local health.
/// </summary>
/// <remarks>
/// <para>Rules. A link (peer × network) is Up once heard and Down after silence for the effective dead time (or
/// when never heard during the first dead time after the monitor started). A peer joins the view on its first
/// heartbeat on any network and leaves only when no link is Up, i.e. after silence on every network for the
/// effective dead time; a dead network alone is reported (<see cref="NetworkDown"/>), never a node failure.</para>
/// <para>Calm under local stalls (Lifeguard). Lateness of a tick beyond one heartbeat interval is time this node
/// was not running: every link's silence is credited with it (up to the present), so a GC pause never accuses
/// peers whose heartbeats are still queued. Late ticks also raise the local-health multiplier, which stretches the
/// effective dead time and <see cref="ElectionScale"/>; see <see cref="HeartbeatConstants"/>.</para>
/// <para>Host contract. Times are monotonic (never decreasing); the monitor starts at the first time given to it.
/// Tick on a fixed-delay timer every heartbeat interval (next due = this fire time + interval), process received
/// datagrams before ticking, and run heartbeat I/O and ticks on their own loop so other work cannot starve them.
/// Queries answer as of the latest time given.</para>
/// </remarks>
public sealed partial class HeartbeatMonitor
{
    private readonly string self;
    private readonly TimingConfig timing;
    private readonly IReadOnlyList<string> networkPriority;
    private IReadOnlyList<string> peerNames;
    private PeerRecord[] peers;
    private Dictionary<string, PeerRecord> peersByName;
    private readonly LocalHealthMeter health;
    private readonly BoundedEventQueue events = new(HeartbeatConstants.EventCapacity);
    private bool started;
    private TimeSpan lastNow;

    /// <param name="self">This node's name; always in the view.</param>
    /// <param name="peers">Every other node of the cluster.</param>
    /// <param name="networks">Heartbeat networks, highest priority first.</param>
    /// <param name="timing">Heartbeat interval and dead-after count.</param>
    /// <param name="hasLink">
    /// Whether this node and the peer both have an address on the network (peer, network) — only those links are
    /// tracked. Evaluated once here; null means every peer is on every network. See <see cref="ForNode"/>.
    /// </param>
    public HeartbeatMonitor(
        string self,
        IReadOnlyList<string> peers,
        IReadOnlyList<string> networks,
        TimingConfig timing,
        Func<string, string, bool>? hasLink = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(self);
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(timing);
        if (timing.HeartbeatInterval <= TimeSpan.Zero || timing.DeadAfter < 1)
            throw new ArgumentException("heartbeat interval must be positive and dead_after at least 1", nameof(timing));
        RequireDistinct(networks, nameof(networks));
        RequireDistinct(peers, nameof(peers));
        if (peers.Contains(self, StringComparer.Ordinal))
            throw new ArgumentException($"peers must not contain this node '{self}'", nameof(peers));

        this.self = self;
        this.timing = timing;
        networkPriority = networks.ToArray();
        peerNames = peers.Order(StringComparer.Ordinal).ToArray();
        this.peers = peerNames.Select(p => NewRecord(p, hasLink)).ToArray();
        peersByName = this.peers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        health = new LocalHealthMeter(timing.HeartbeatInterval);
        View = MembershipView.Alone(self);
    }

    /// <summary>
    /// A heartbeat from <paramref name="peer"/> arrived on <paramref name="network"/>. Unknown names, this node's
    /// own name and networks the peer has no link on are ignored (<see cref="IgnoredHeartbeats"/>); an incarnation
    /// older than the one already heard is a stale datagram from before a restart (<see cref="StaleHeartbeats"/>).
    /// <paramref name="heardAt"/> is when it arrived, if the host read it later (at most <paramref name="now"/>):
    /// silence is measured from there, so a heartbeat read in a batch counts from its arrival, not its reading.
    /// </summary>
    public void HeartbeatReceived(TimeSpan now, string peer, string network, long peerIncarnation, TimeSpan? heardAt = null)
    {
        Advance(now);
        var at = heardAt is { } h && h < now ? h : now;
        if (peer is null || network is null || !peersByName.TryGetValue(peer, out var record) || record.Link(network) is not { } link)
        {
            IgnoredHeartbeats++;
            return;
        }
        if (record.Incarnation is { } known && peerIncarnation < known)
        {
            StaleHeartbeats++;
            return;
        }
        if (record.Incarnation is { } previous && peerIncarnation > previous)
            events.Add(new PeerRestarted(now, peer, previous, peerIncarnation));
        record.Incarnation = peerIncarnation;
        if (link.Heard(at))
            events.Add(new NetworkUp(now, peer, network));
        if (!record.Member)
        {
            record.Member = true;
            events.Add(new PeerJoined(now, peer, network));
            PublishView();
        }
        CheckConsistent();
    }

    /// <summary>
    /// The host's heartbeat timer fired at <paramref name="now"/>, due at <paramref name="scheduledAt"/>: judge
    /// local health, credit this node's own pause to every link, then expire silent links and lost peers.
    /// </summary>
    public void Tick(TimeSpan now, TimeSpan scheduledAt)
    {
        Advance(now);
        var tick = health.Observe(now, scheduledAt);
        if (tick.NewHealth != tick.OldHealth)
            events.Add(new LocalHealthChanged(now, tick.OldHealth, tick.NewHealth, tick.Lateness));
        if (tick.Pause > TimeSpan.Zero)
            foreach (var record in peers)
                foreach (var link in record.Links)
                    link.Credit(tick.Pause, now);

        var deadTime = EffectiveDeadTime;
        var viewChanged = false;
        foreach (var record in peers)
        {
            foreach (var link in record.Links)
                if (link.Expire(now, deadTime))
                    events.Add(new NetworkDown(now, record.Name, link.Network));
            if (record.Member && !record.AnyUp)
            {
                record.Member = false;
                viewChanged = true;
                var lastHeard = record.LastHeard;
                Invariant.Check(lastHeard is not null, "a member was heard at least once");
                events.Add(new PeerLost(now, record.Name, now - lastHeard!.Value));
            }
        }
        if (viewChanged)
            PublishView();
        CheckConsistent();
    }

    /// <summary>
    /// The cluster's nodes changed (a new configuration version): peers new to <paramref name="peers"/> are tracked
    /// from now on like peers never heard (their silence counts from now), peers no longer in it are forgotten and
    /// leave the view (a new view when one was a member). The networks and the links of the peers that stay do not
    /// change. <paramref name="hasLink"/> as in the constructor, for the new peers.
    /// </summary>
    public void SetPeers(IReadOnlyList<string> peers, Func<string, string, bool>? hasLink = null)
    {
        ArgumentNullException.ThrowIfNull(peers);
        RequireDistinct(peers, nameof(peers));
        if (peers.Contains(self, StringComparer.Ordinal))
            throw new ArgumentException($"peers must not contain this node '{self}'", nameof(peers));
        var names = peers.Order(StringComparer.Ordinal).ToArray();
        var records = names.Select(p => peersByName.GetValueOrDefault(p) ?? NewRecord(p, hasLink)).ToArray();
        var lostMember = this.peers.Any(r => r.Member && !names.Contains(r.Name, StringComparer.Ordinal));
        peerNames = names;
        this.peers = records;
        peersByName = records.ToDictionary(p => p.Name, StringComparer.Ordinal);
        if (lostMember)
            PublishView();
        CheckConsistent();
    }

    private PeerRecord NewRecord(string peer, Func<string, string, bool>? hasLink)
    {
        var record = new PeerRecord(peer, networkPriority.Where(n => hasLink?.Invoke(peer, n) ?? true));
        if (started)
            foreach (var link in record.Links)
                link.Begin(lastNow);
        return record;
    }

    /// <summary>Every event since the last call, oldest first (at most <see cref="HeartbeatConstants.EventCapacity"/>).</summary>
    public IReadOnlyList<HeartbeatEvent> TakeEvents() => events.Take();

    /// <summary>Moves the monitor's clock; the first time given starts it (never-heard links count from here).</summary>
    private void Advance(TimeSpan now)
    {
        if (!started)
        {
            started = true;
            foreach (var record in peers)
                foreach (var link in record.Links)
                    link.Begin(now);
        }
        Invariant.Check(now >= lastNow, "heartbeat monitor time never runs backwards");
        lastNow = now;
    }

    /// <summary>The member set changed: a new view with the next id.</summary>
    private void PublishView()
    {
        var members = new HashSet<string>(StringComparer.Ordinal) { self };
        foreach (var record in peers)
            if (record.Member)
                members.Add(record.Name);
        Invariant.Check(!members.SetEquals(View.Members), "a new view changes the member set");
        View = new MembershipView(View.ViewId + 1, members);
    }

    private void CheckConsistent()
    {
        foreach (var record in peers)
            Invariant.Check(record.Member == record.AnyUp && record.Member == View.Contains(record.Name),
                "a peer is in the view exactly when one of its networks is up");
        Invariant.Check(View.Contains(self), "this node is always in its own view");
    }

    private static void RequireDistinct(IReadOnlyList<string> names, string parameter)
    {
        if (names.Any(string.IsNullOrEmpty))
            throw new ArgumentException("names must not be empty", parameter);
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException("names must be distinct", parameter);
    }
}
