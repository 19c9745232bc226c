using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Cli.Agent.Wire;

/// <summary>A datagram as received: its network, bytes, source, and how long ago the kernel received it.</summary>
public readonly record struct ReceivedDatagram(string Network, byte[] Datagram, IPEndPoint From, TimeSpan Age, bool Routine);

/// <summary>
/// The cluster's UDP sockets and their one receive thread, "vigil-net" (above-normal priority). Per network a
/// reuseport group of two sockets shares the node's port: a classic BPF program steers datagrams marked routine
/// (<see cref="WireFormat.RoutineFlag"/>: heartbeats, unchanged leases and reports, Raft keep-alives) to the
/// second socket, which is read in one batch per period with the kernel's receive timestamps, and everything else
/// to the first, which wakes the thread at once. So an idle node wakes about once per heartbeat instead of once
/// per datagram, and no message with news waits. Where steering is not available (not Linux, or the kernel
/// refuses) there is one socket per network and every datagram wakes the thread.
/// Sending never throws on network errors (they are counted). Datagrams are opaque here: authenticate them with
/// <see cref="PacketOpener"/>.
/// </summary>
public sealed class UdpTransport : IDisposable
{
    /// <summary>Requested socket send and receive buffer size (the OS may cap it, e.g. net.core.rmem_max).</summary>
    public const int SocketBufferBytes = 4 * 1024 * 1024;

    /// <summary>How often routine datagrams are read when the owner gives no period of its own.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromMilliseconds(50);

    /// <summary>Most datagrams read from one socket per wake-up, so one busy socket cannot starve the others.</summary>
    public const int MaxBatch = 256;

    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(1);

    private readonly List<Lane> _lanes = [];
    private readonly WireCounters _counters;
    private readonly int _wakeFd;
    private Thread? _thread;
    private volatile bool _disposed;
    private int _started;

    /// <summary>Binds the sockets of every (network, local endpoint). Port 0 picks an ephemeral port (see <see cref="LocalEndpoints"/>).</summary>
    /// <exception cref="WireSetupException">A network is listed twice, or an endpoint cannot be bound.</exception>
    public UdpTransport(IReadOnlyList<(string Network, IPEndPoint Local)> endpoints, WireCounters? counters = null, bool steering = true)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _counters = counters ?? new WireCounters();
        var bound = new Dictionary<string, IPEndPoint>(StringComparer.Ordinal);
        try
        {
            foreach (var (network, local) in endpoints)
            {
                if (bound.ContainsKey(network)) throw new WireSetupException($"network {network} is listed twice");
                var lane = Lane.Bind(network, local, steering && OperatingSystem.IsLinux());
                _lanes.Add(lane);
                bound.Add(network, (IPEndPoint)lane.Control.LocalEndPoint!);
            }
        }
        catch
        {
            foreach (var lane in _lanes) lane.Dispose();
            throw;
        }
        LocalEndpoints = bound;
        _wakeFd = OperatingSystem.IsLinux() ? UdpNative.NewWakeFd() : -1;
    }

    /// <summary>The bound endpoint of each network (with the actual port when 0 was asked for).</summary>
    public IReadOnlyDictionary<string, IPEndPoint> LocalEndpoints { get; }

    /// <summary>Send errors and receive errors are counted here.</summary>
    public WireCounters Counters => _counters;

    /// <summary>True when every network steers routine datagrams to a socket of their own.</summary>
    public bool Steering => _lanes.All(l => l.Routine is not null);

    /// <summary>The receive thread (for tests), once started.</summary>
    internal Thread? ReceiveThread => _thread;

    /// <summary>
    /// Starts the receive thread. It calls <paramref name="onReceive"/> for every datagram — at once for those
    /// not marked routine, in a batch each period for routine ones — and <paramref name="onPeriod"/> once per period,
    /// right after that batch; onPeriod returns the time until the next period (<see cref="DefaultPeriod"/> when
    /// null). Both run on the receive thread: keep them quick. An exception from either is counted as a receive
    /// error and the thread carries on.
    /// </summary>
    public void Start(Action<ReceivedDatagram> onReceive, Func<TimeSpan>? onPeriod = null)
    {
        ArgumentNullException.ThrowIfNull(onReceive);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("the transport is already started");
        _thread = new Thread(() => Run(onReceive, onPeriod ?? (() => DefaultPeriod)))
        {
            IsBackground = true,
            Priority = ThreadPriority.AboveNormal,
            Name = "vigil-net",
        };
        _thread.Start();
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
        var lane = _lanes.Find(l => l.Network == network) ?? throw new ArgumentException($"unknown network '{network}'", nameof(network));
        var ok = true;
        foreach (var datagram in datagrams)
        {
            try
            {
                lane.Control.SendTo(datagram, SocketFlags.None, to);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                _counters.CountSendError();
                ok = false;
            }
        }
        return ok;
    }

    /// <summary>Wakes and ends the receive thread (waiting up to 1 s), then closes the sockets.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        UdpNative.Wake(_wakeFd);
        if (_thread is { } thread && thread != Thread.CurrentThread) thread.Join(JoinTimeout);
        foreach (var lane in _lanes) lane.Dispose();
        if (_wakeFd >= 0) UdpNative.Close(_wakeFd);
    }

    private void Run(Action<ReceivedDatagram> onReceive, Func<TimeSpan> onPeriod)
    {
        using var receiver = new UdpNative.Receiver();
        var fds = _lanes.Select(l => new UdpNative.PollFd { Fd = UdpNative.Fd(l.Control), Events = UdpNative.PollIn })
            .Append(new UdpNative.PollFd { Fd = _wakeFd, Events = UdpNative.PollIn }).ToArray();
        var pollCount = (nuint)(_wakeFd >= 0 ? fds.Length : fds.Length - 1);
        var clock = Stopwatch.StartNew();
        var nextPeriod = TimeSpan.Zero;
        while (!_disposed)
        {
            var wait = nextPeriod - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                foreach (ref var fd in fds.AsSpan()) fd.Revents = 0;
                // poll counts whole milliseconds: round up, or a sub-millisecond wait would return at once and spin.
                var ready = UdpNative.Poll(fds, pollCount, (int)Math.Min(int.MaxValue, Math.Ceiling(wait.TotalMilliseconds)));
                if (_disposed) return;
                var failed = false;
                if (ready > 0)
                    for (var i = 0; i < _lanes.Count; i++)
                        if (fds[i].Revents != 0) failed |= !Drain(receiver, _lanes[i], _lanes[i].Control, routine: false, onReceive);
                if (failed) Thread.Sleep(10); // do not spin on a persistent socket error
                if (clock.Elapsed < nextPeriod) continue;
            }
            foreach (var lane in _lanes)
                if (lane.Routine is { } routineSocket) Drain(receiver, lane, routineSocket, routine: true, onReceive);
            TimeSpan delay;
            try
            {
                delay = onPeriod();
            }
            catch (Exception)
            {
                _counters.CountReceiveError();
                delay = DefaultPeriod;
            }
            nextPeriod = clock.Elapsed + (delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
        }
    }

    /// <summary>Reads what is waiting on one socket (at most <see cref="MaxBatch"/>) and delivers it; false after a socket error.</summary>
    private bool Drain(UdpNative.Receiver receiver, Lane lane, Socket socket, bool routine, Action<ReceivedDatagram> onReceive)
    {
        var fd = UdpNative.Fd(socket);
        for (var n = 0; n < MaxBatch && !_disposed; n++)
        {
            var datagram = receiver.TryReceive(fd, out var from, out var stamp, out var errno);
            if (datagram is null)
            {
                if (errno == UdpNative.EAgain) return true;
                if (errno == UdpNative.EIntr) continue;
                _counters.CountReceiveError(); // a truncated (oversized) datagram, or a socket error
                if (errno != -1) return false;
                continue;
            }
            var age = stamp is { } at ? DateTimeOffset.UtcNow - at : TimeSpan.Zero;
            // A wall-clock step between the kernel's stamp and now must not fake an age: keep it within [0, 1 s].
            if (age < TimeSpan.Zero || age > TimeSpan.FromSeconds(1)) age = age < TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(1);
            try
            {
                onReceive(new ReceivedDatagram(lane.Network, datagram, from ?? new IPEndPoint(IPAddress.None, 0), age, routine));
            }
            catch (Exception)
            {
                // A faulty callback must not kill the receive thread; it is counted instead.
                _counters.CountReceiveError();
            }
        }
        return true;
    }

    /// <summary>One network's sockets: the control socket (sends, and receives what is not routine) and the routine one.</summary>
    private sealed class Lane(string network, Socket control, Socket? routine) : IDisposable
    {
        public string Network { get; } = network;

        public Socket Control { get; } = control;

        public Socket? Routine { get; } = routine;

        public static Lane Bind(string network, IPEndPoint local, bool steering)
        {
            if (!steering) return new Lane(network, BindOne(network, local, reusePort: false), null);
            // Refuse a port somebody else holds (SO_REUSEPORT would otherwise share it silently): bind once plainly.
            var control = BindOne(network, local, reusePort: false);
            var actual = (IPEndPoint)control.LocalEndPoint!;
            control.Dispose();
            Socket? first = null;
            try
            {
                first = BindOne(network, actual, reusePort: true);
                var second = BindOne(network, actual, reusePort: true);
                try
                {
                    UdpNative.AttachRoutineSteering(first);
                    return new Lane(network, first, second);
                }
                catch (SocketException)
                {
                    second.Dispose(); // no steering here: one socket takes everything
                    return new Lane(network, first, null);
                }
            }
            catch
            {
                first?.Dispose();
                throw;
            }
        }

        private static Socket BindOne(string network, IPEndPoint local, bool reusePort)
        {
            var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                TrySetBuffers(socket);
                if (OperatingSystem.IsLinux()) UdpNative.TryEnableTimestamps(socket);
                if (reusePort) UdpNative.SetReusePort(socket);
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

        public void Dispose()
        {
            Control.Dispose();
            Routine?.Dispose();
        }
    }
}
