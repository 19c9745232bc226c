using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Vigil.Cli.Agent.Wire;
using static Vigil.Agent.Tests.Wire.WireKit;

namespace Vigil.Agent.Tests.Wire;

/// <summary>Real UDP on 127.0.0.1 with ephemeral ports.</summary>
public sealed class UdpTransportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static UdpTransport Bind(string network = "ring0") => new([(network, new IPEndPoint(IPAddress.Loopback, 0))]);

    private sealed record Received(string Network, byte[] Datagram, IPEndPoint From);

    [Fact]
    public void Two_nodes_exchange_sealed_messages_over_loopback()
    {
        using var a = Bind();
        using var b = Bind();
        var inbox = new BlockingCollection<Received>();
        b.Start(d => inbox.Add(new Received(d.Network, d.Datagram, d.From)));
        a.Start(_ => { });

        var sealer = Sealer("n2");
        var opener = Opener("n1");
        var small = Body(100);
        var large = Body(300_000, 9);
        Assert.True(a.Send("ring0", b.LocalEndpoints["ring0"], sealer.Seal(MessageKind.Heartbeat, small)));
        Assert.True(a.Send("ring0", b.LocalEndpoints["ring0"], sealer.Seal(MessageKind.Raft, large)));

        var messages = new List<WireMessage>();
        while (messages.Count < 2 && inbox.TryTake(out var r, Wait))
        {
            Assert.Equal("ring0", r.Network);
            Assert.Equal(a.LocalEndpoints["ring0"], r.From);
            if (opener.Open(r.Datagram, TimeSpan.Zero).Message is { } m) messages.Add(m);
        }
        Assert.Equal(2, messages.Count);
        Assert.Equal(small, messages[0].Body);
        Assert.Equal(large, messages[1].Body);
        Assert.Equal(0, opener.Counters.Snapshot().Where(c => !c.Key.StartsWith("accepted", StringComparison.Ordinal)).Sum(c => c.Value));
    }

    [Fact]
    public void One_named_thread_serves_every_network_and_each_network_steers_routine_datagrams()
    {
        using var t = new UdpTransport([("ring0", new IPEndPoint(IPAddress.Loopback, 0)), ("ring1", new IPEndPoint(IPAddress.Loopback, 0))]);
        t.Start(_ => { });
        Assert.NotEqual(t.LocalEndpoints["ring0"].Port, t.LocalEndpoints["ring1"].Port);
        Assert.True(t.Steering);
        var thread = t.ReceiveThread!;
        Assert.Equal("vigil-net", thread.Name);
        Assert.True(thread.IsBackground && thread.IsAlive);
        Assert.Equal(ThreadPriority.AboveNormal, thread.Priority);
    }

    [Fact]
    public void Routine_datagrams_wait_for_the_period_with_their_age_and_others_arrive_at_once()
    {
        using var a = Bind();
        using var b = Bind();
        var inbox = new BlockingCollection<(ReceivedDatagram Datagram, int Period)>();
        var periods = 0;
        var period = TimeSpan.FromMilliseconds(600);
        var periodStarted = new ManualResetEventSlim();
        b.Start(d => inbox.Add((d, Volatile.Read(ref periods))), () =>
        {
            Interlocked.Increment(ref periods);
            periodStarted.Set();
            return period;
        });
        a.Start(_ => { });
        Assert.True(periodStarted.Wait(Wait));
        var sealer = Sealer("n2");
        var to = b.LocalEndpoints["ring0"];
        var sentAt = Volatile.Read(ref periods);
        Assert.True(a.Send("ring0", to, sealer.Seal(MessageKind.Heartbeat, Body(16), routine: true)));
        Assert.True(a.Send("ring0", to, sealer.Seal(MessageKind.Raft, Body(40))));

        Assert.True(inbox.TryTake(out var first, Wait));
        Assert.False(first.Datagram.Routine); // the Raft message did not wait for the period
        Assert.Equal(sentAt, first.Period);
        Assert.True(inbox.TryTake(out var second, Wait));
        Assert.True(second.Datagram.Routine);
        Assert.True(second.Period == sentAt, "routine datagrams are read right before the period's callback");
        Assert.True(second.Datagram.Age > TimeSpan.FromMilliseconds(200), $"age {second.Datagram.Age} should be the time it waited");
        var opened = Opener("n1").Open(second.Datagram.Datagram, TimeSpan.Zero).Message!;
        Assert.Equal(MessageKind.Heartbeat, opened.Kind);
        Assert.True(opened.Routine);
    }

    [Fact]
    public void Without_steering_every_datagram_arrives_at_once()
    {
        using var a = Bind();
        using var b = new UdpTransport([("ring0", new IPEndPoint(IPAddress.Loopback, 0))], steering: false);
        Assert.False(b.Steering);
        var inbox = new BlockingCollection<ReceivedDatagram>();
        var started = new ManualResetEventSlim();
        b.Start(inbox.Add, () =>
        {
            started.Set();
            return TimeSpan.FromSeconds(30);
        });
        Assert.True(started.Wait(Wait));
        a.Send("ring0", b.LocalEndpoints["ring0"], Sealer("n2").Seal(MessageKind.Heartbeat, Body(16), routine: true));
        Assert.True(inbox.TryTake(out var got, TimeSpan.FromSeconds(10)));
        Assert.False(got.Routine);
        Assert.True(got.Age < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Bind_conflict_names_endpoint_network_and_reason()
    {
        using var first = Bind();
        var taken = first.LocalEndpoints["ring0"];
        var e = Assert.Throws<WireSetupException>(() => new UdpTransport([("ring0", new IPEndPoint(IPAddress.Loopback, 0)), ("ring1", taken)]));
        Assert.Equal($"cannot bind {taken} for network ring1: address already in use", e.Message);
    }

    [Fact]
    public void Sending_to_a_closed_port_never_throws_and_receiving_carries_on()
    {
        using var a = Bind();
        using var b = Bind();
        int closedPort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        var inbox = new BlockingCollection<byte[]>();
        a.Start(d => inbox.Add(d.Datagram));
        b.Start(_ => { });
        for (var i = 0; i < 5; i++) a.Send("ring0", new IPEndPoint(IPAddress.Loopback, closedPort), [[1, 2, 3]]);
        b.Send("ring0", a.LocalEndpoints["ring0"], [[7]]);
        Assert.True(inbox.TryTake(out var got, Wait));
        Assert.Equal([7], got);
    }

    [Fact]
    public void Send_errors_are_counted_not_thrown()
    {
        var t = Bind();
        var to = new IPEndPoint(IPAddress.Loopback, 9);
        Assert.False(t.Send("ring0", new IPEndPoint(IPAddress.IPv6Loopback, 9), [[1]])); // wrong address family
        t.Dispose();
        Assert.False(t.Send("ring0", to, [[1], [2]]));
        Assert.Equal(3, t.Counters.SendErrors);
        Assert.Throws<ArgumentException>(() => t.Send("nope", to, [[1]]));
    }

    [Fact]
    public void Throwing_callback_is_counted_and_the_thread_survives()
    {
        using var a = Bind();
        using var b = Bind();
        var inbox = new BlockingCollection<byte[]>();
        b.Start(d =>
        {
            if (d.Datagram[0] == 0) throw new InvalidOperationException("boom");
            inbox.Add(d.Datagram);
        });
        a.Send("ring0", b.LocalEndpoints["ring0"], [[0], [1]]);
        Assert.True(inbox.TryTake(out var got, Wait));
        Assert.Equal([1], got);
        Assert.Equal(1, b.Counters.ReceiveErrors);
    }

    [Fact]
    public void Dispose_joins_the_receive_thread_within_a_second()
    {
        var t = new UdpTransport([("ring0", new IPEndPoint(IPAddress.Loopback, 0)), ("ring1", new IPEndPoint(IPAddress.Loopback, 0))]);
        t.Start(_ => { }, () => TimeSpan.FromMinutes(1)); // a long period: the poll must be woken, not waited out
        var thread = t.ReceiveThread!;
        Thread.Sleep(100);
        var started = DateTime.UtcNow;
        t.Dispose();
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1.5));
        Assert.False(thread.IsAlive);
        t.Dispose(); // idempotent
        using var again = new UdpTransport([("ring0", t.LocalEndpoints["ring0"])]); // the port was released
    }

    [Fact]
    public void A_port_held_by_another_transport_is_refused_even_with_steering()
    {
        using var first = Bind();
        var e = Assert.Throws<WireSetupException>(() => new UdpTransport([("ring0", first.LocalEndpoints["ring0"])]));
        Assert.Contains("address already in use", e.Message, StringComparison.Ordinal);
    }
}
