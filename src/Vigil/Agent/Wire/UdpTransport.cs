using System.Net;
using System.Net.Sockets;

namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// One UDP socket per cluster network, each with a dedicated receive thread ("vigil-recv-&lt;network&gt;").
/// Sockets are bound by the constructor; receiving starts with <see cref="Start"/>. Sending never throws
/// on network errors (they are counted as send errors). Datagrams are opaque here: authenticate them
/// with <see cref="PacketOpener"/>.
/// </summary>
public sealed class UdpTransport : IDisposable
{
    /// <summary>Requested socket send and receive buffer size (the OS may cap it, e.g. net.core.rmem_max).</summary>
    public const int SocketBufferBytes = 4 * 1024 * 1024;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, Socket> _sockets = new(StringComparer.Ordinal);
    private readonly List<Thread> _threads = [];
    private readonly WireCounters _counters;
    private volatile bool _disposed;
    private int _started;

    /// <summary>Binds one socket per (network, local endpoint). Port 0 picks an ephemeral port (see <see cref="LocalEndpoints"/>).</summary>
    /// <exception cref="WireSetupException">A network is listed twice, or an endpoint cannot be bound.</exception>
    public UdpTransport(IReadOnlyList<(string Network, IPEndPoint Local)> endpoints, WireCounters? counters = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _counters = counters ?? new WireCounters();
        var bound = new Dictionary<string, IPEndPoint>(StringComparer.Ordinal);
        try
        {
            foreach (var (network, local) in endpoints)
            {
                if (_sockets.ContainsKey(network)) throw new WireSetupException($"network {network} is listed twice");
                var socket = Bind(network, local);
                _sockets.Add(network, socket);
                bound.Add(network, (IPEndPoint)socket.LocalEndPoint!);
            }
        }
        catch
        {
            foreach (var socket in _sockets.Values) socket.Dispose();
            throw;
        }
        LocalEndpoints = bound;
    }

    /// <summary>The bound endpoint of each network (with the actual port when 0 was asked for).</summary>
    public IReadOnlyDictionary<string, IPEndPoint> LocalEndpoints { get; }

    /// <summary>Send errors and receive errors are counted here.</summary>
    public WireCounters Counters => _counters;

    /// <summary>The receive threads (for tests).</summary>
    internal IReadOnlyList<Thread> ReceiveThreads => _threads;

    /// <summary>
    /// Starts one receive thread per socket calling <paramref name="onReceive"/>(network, datagram, from)
    /// for every datagram received. The callback runs on the receive thread: keep it quick (enqueue).
    /// An exception from it is counted as a receive error and the thread carries on.
    /// </summary>
    public void Start(Action<string, byte[], IPEndPoint> onReceive)
    {
        ArgumentNullException.ThrowIfNull(onReceive);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("the transport is already started");
        foreach (var (network, socket) in _sockets)
        {
            var thread = new Thread(() => ReceiveLoop(network, socket, onReceive))
            {
                IsBackground = true,
                Priority = ThreadPriority.AboveNormal,
                Name = "vigil-recv-" + network,
            };
            _threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>
    /// Sends <paramref name="datagrams"/> to <paramref name="to"/> from the socket of <paramref name="network"/>.
    /// Returns false when any could not be sent (counted); never throws on network errors or after disposal.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="network"/> is not one of the transport's networks.</exception>
    public bool Send(string network, IPEndPoint to, IReadOnlyList<byte[]> datagrams)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(datagrams);
        if (!_sockets.TryGetValue(network, out var socket)) throw new ArgumentException($"unknown network '{network}'", nameof(network));
        var ok = true;
        foreach (var datagram in datagrams)
        {
            try
            {
                socket.SendTo(datagram, SocketFlags.None, to);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                _counters.CountSendError();
                ok = false;
            }
        }
        return ok;
    }

    /// <summary>Closes the sockets and waits (up to 1 s in total) for the receive threads to end.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var socket in _sockets.Values) socket.Dispose();
        var deadline = DateTime.UtcNow + JoinTimeout;
        foreach (var thread in _threads)
        {
            if (thread == Thread.CurrentThread) continue; // disposed from a receive callback
            var left = deadline - DateTime.UtcNow;
            thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }

    private static Socket Bind(string network, IPEndPoint local)
    {
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            TrySetBuffers(socket);
            if (OperatingSystem.IsWindows()) IgnoreConnectionReset(socket);
            socket.Bind(local);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new WireSetupException($"cannot bind {local} for network {network}: {SocketErrorText.Describe(e)}");
        }
    }

    private static void TrySetBuffers(Socket socket)
    {
        try
        {
            socket.ReceiveBufferSize = SocketBufferBytes;
            socket.SendBufferSize = SocketBufferBytes;
        }
        catch (SocketException)
        {
            // Not allowed here: keep the system default.
        }
    }

    /// <summary>On Windows an ICMP port-unreachable makes the next receive fail with ConnectionReset; turn that off.</summary>
    private static void IgnoreConnectionReset(Socket socket)
    {
        const int SioUdpConnReset = -1744830452;
        try
        {
            socket.IOControl(SioUdpConnReset, [0, 0, 0, 0], null);
        }
        catch (SocketException)
        {
            // Receive loop tolerates ConnectionReset anyway.
        }
    }

    private void ReceiveLoop(string network, Socket socket, Action<string, byte[], IPEndPoint> onReceive)
    {
        var buffer = new byte[ushort.MaxValue + 1];
        EndPoint anyRemote = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_disposed)
        {
            int length;
            var from = anyRemote;
            try
            {
                if (!socket.Poll(PollInterval, SelectMode.SelectRead)) continue;
                length = socket.ReceiveFrom(buffer, SocketFlags.None, ref from);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (_disposed) return;
                // ICMP errors (port unreachable) and oversized datagrams do not stop the loop.
                if (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused) continue;
                _counters.CountReceiveError();
                Thread.Sleep(10); // do not spin on a persistent error
                continue;
            }
            Deliver(network, buffer.AsSpan(0, length).ToArray(), (IPEndPoint)from, onReceive);
        }
    }

    private void Deliver(string network, byte[] datagram, IPEndPoint from, Action<string, byte[], IPEndPoint> onReceive)
    {
        try
        {
            onReceive(network, datagram, from);
        }
        catch (Exception)
        {
            // A faulty callback must not kill the receive thread; it is counted instead.
            _counters.CountReceiveError();
        }
    }
}
