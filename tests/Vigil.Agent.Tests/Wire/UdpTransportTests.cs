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
        b.Start((network, datagram, from) => inbox.Add(new Received(network, datagram, from)));
        a.Start((_, _, _) => { });

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
    public void Each_network_has_its_own_socket_and_named_thread()
    {
        using var t = new UdpTransport([("ring0", new IPEndPoint(IPAddress.Loopback, 0)), ("ring1", new IPEndPoint(IPAddress.Loopback, 0))]);
        t.Start((_, _, _) => { });
        Assert.NotEqual(t.LocalEndpoints["ring0"].Port, t.LocalEndpoints["ring1"].Port);
        Assert.Equal(["vigil-recv-ring0", "vigil-recv-ring1"], t.ReceiveThreads.Select(th => th.Name));
        Assert.All(t.ReceiveThreads, th => Assert.True(th.IsBackground && th.IsAlive));
        Assert.All(t.ReceiveThreads, th => Assert.Equal(ThreadPriority.AboveNormal, th.Priority));
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
        a.Start((_, d, _) => inbox.Add(d));
        b.Start((_, _, _) => { });
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
        b.Start((_, d, _) =>
        {
            if (d[0] == 0) throw new InvalidOperationException("boom");
            inbox.Add(d);
        });
        a.Send("ring0", b.LocalEndpoints["ring0"], [[0], [1]]);
        Assert.True(inbox.TryTake(out var got, Wait));
        Assert.Equal([1], got);
        Assert.Equal(1, b.Counters.ReceiveErrors);
    }

    [Fact]
    public void Dispose_joins_the_receive_threads_within_a_second()
    {
        var t = new UdpTransport([("ring0", new IPEndPoint(IPAddress.Loopback, 0)), ("ring1", new IPEndPoint(IPAddress.Loopback, 0))]);
        t.Start((_, _, _) => { });
        var threads = t.ReceiveThreads.ToList();
        var started = DateTime.UtcNow;
        t.Dispose();
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1.5));
        Assert.All(threads, th => Assert.False(th.IsAlive));
        t.Dispose(); // idempotent
        using var again = new UdpTransport([("ring0", t.LocalEndpoints["ring0"])]); // the port was released
    }
}
