using System.Net;
using System.Net.Sockets;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// Sends ICMP echo requests out of one interface from one source address and reports the replies to them.
/// The raw socket is bound to the device (SO_BINDTODEVICE) and the address, and is created by the constructing
/// thread, so it lives in that thread's network namespace. Each prober has its own echo identifier (and a random
/// cookie in the payload): a raw socket sees every ICMP packet for its address, the prober keeps only its own.
/// <c>replied(sequence, from)</c> runs on the prober's receive thread and must be quick.
/// </summary>
internal sealed class IcmpProber : IDisposable
{
    private const int PollMicroseconds = 200_000;
    private static int nextIdentifier = Random.Shared.Next(0x10000);
    private readonly Socket socket;
    private readonly bool v6;
    private readonly int index;
    private readonly ushort identifier = (ushort)Interlocked.Increment(ref nextIdentifier);
    private readonly ulong cookie = (ulong)Random.Shared.NextInt64();
    private readonly Action<long, IPAddress> replied;
    private readonly Action<string> log;
    private readonly Thread thread;
    private volatile bool stopping;
    private long sent, received;

    /// <param name="iface">The interface the echoes must leave by.</param>
    /// <param name="source">The address they come from; IPv6 makes this an ICMPv6 prober.</param>
    /// <param name="replied">Called with the sequence number and the replying address of each reply.</param>
    /// <param name="log">Called with a line of text about trouble.</param>
    /// <exception cref="SocketException">the socket cannot be opened or bound (no such interface, address not local, not root).</exception>
    public IcmpProber(string iface, IPAddress source, Action<long, IPAddress> replied, Action<string> log)
    {
        Interface = iface;
        Source = source;
        v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        this.replied = replied;
        this.log = log;
        index = v6 ? InterfaceIndex(iface) : 0; // looked up now: the caller's namespace is the socket's
        socket = IcmpEcho.Open(iface, source, index);
        thread = new Thread(Receive) { IsBackground = true, Name = $"vigil icmp {iface}" };
        thread.Start();
    }

    public string Interface { get; }

    public IPAddress Source { get; }

    /// <summary>Echo requests handed to the kernel.</summary>
    public long Sent => Interlocked.Read(ref sent);

    /// <summary>Replies to this prober's requests.</summary>
    public long Received => Interlocked.Read(ref received);

    /// <summary>Sends an echo request for <paramref name="sequence"/> to <paramref name="target"/>; false with the reason if it could not be sent.</summary>
    public bool TrySend(IPAddress target, long sequence, out string? error)
    {
        try
        {
            socket.SendTo(IcmpEcho.Request(v6, identifier, cookie, sequence), new IPEndPoint(IcmpEcho.Scoped(target, index), 0));
            Interlocked.Increment(ref sent);
            error = null;
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            error = $"echo to {target} from {Source} on {Interface}: {e.Message}";
            return false;
        }
    }

    /// <summary>Lets echoes to a multicast group (all-hosts) leave by this interface, with TTL / hop limit 1.</summary>
    internal void UseMulticast()
    {
        if (v6)
        {
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, index);
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 1);
        }
        else
        {
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, Source.GetAddressBytes());
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
        }
    }

    private static int InterfaceIndex(string iface)
    {
        try
        {
            return LinkQuery.Find(iface)?.Index ?? 0;
        }
        catch (IOException)
        {
            return 0; // link-local targets then need an explicit scope
        }
    }

    private void Receive()
    {
        _ = ProcessNamespace.Rejoin(); // the socket is open: the thread itself needs no namespace
        var buffer = new byte[2048];
        while (!stopping)
        {
            try
            {
                if (!socket.Poll(PollMicroseconds, SelectMode.SelectRead)) continue;
                EndPoint from = new IPEndPoint(v6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
                var n = socket.ReceiveFrom(buffer, ref from);
                if (!IcmpEcho.TryParseReply(v6, buffer.AsSpan(0, n), identifier, cookie, out var sequence)) continue;
                Interlocked.Increment(ref received);
                replied(sequence, ((IPEndPoint)from).Address);
            }
            catch (SocketException e)
            {
                log($"icmp prober {Interface}: receive failed: {e.Message}");
                Thread.Sleep(PollMicroseconds / 1000);
            }
            catch (Exception e) when (e is not ObjectDisposedException)
            {
                log($"icmp prober {Interface}: reply callback threw {e.GetType().Name}: {e.Message}");
            }
        }
    }

    /// <summary>Stops the receive thread (within about 200 ms) and closes the socket.</summary>
    public void Dispose()
    {
        if (stopping) return;
        stopping = true;
        if (!thread.Join(TimeSpan.FromSeconds(2))) log($"icmp prober {Interface}: receive thread did not stop within 2 s");
        socket.Dispose();
    }
}
