namespace Vigil.Cli.Agent.Network;

/// <summary>
/// An AF_NETLINK / NETLINK_ROUTE socket opened through libc (.NET's <see cref="System.Net.Sockets.Socket"/> has no
/// netlink support). Created by the calling thread, so it lives in that thread's network namespace.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    /// <summary>Receive buffer size used by callers: bounded, and larger than any rtnetlink datagram.</summary>
    public const int BufferSize = 64 * 1024;

    private const int MsgDontWait = 0x40;
    /// <summary>Default SO_RCVBUF: fewer ENOBUFS under a burst of link changes (capped by net.core.rmem_max).</summary>
    public const int DefaultReceiveBuffer = 1024 * 1024;
    private int fd;

    private NetlinkSocket(int fd) => this.fd = fd;

    /// <summary>Opens and binds a socket subscribed to the multicast <paramref name="groups"/> (0: none).</summary>
    /// <exception cref="IOException">socket or bind failed.</exception>
    public static NetlinkSocket Open(uint groups, int receiveBuffer = DefaultReceiveBuffer)
    {
        var fd = NetworkNative.Socket(NetworkNative.AfNetlink, NetworkNative.SockRaw | NetworkNative.SockCloExec, NetworkNative.NetlinkRoute);
        if (fd < 0) throw Failure("socket(AF_NETLINK)");
        var rcvbuf = receiveBuffer;
        _ = NetworkNative.SetSockOpt(fd, NetworkNative.SolSocket, NetworkNative.SoRcvBuf, ref rcvbuf, sizeof(int));
        var address = new byte[12]; // struct sockaddr_nl: family, pad, pid (0: kernel assigns), groups
        BitConverter.TryWriteBytes(address.AsSpan(0, 2), (ushort)NetworkNative.AfNetlink);
        BitConverter.TryWriteBytes(address.AsSpan(8, 4), groups);
        if (NetworkNative.Bind(fd, address, address.Length) < 0)
        {
            var error = Failure("bind(AF_NETLINK)");
            _ = NetworkNative.Close(fd);
            throw error;
        }
        return new NetlinkSocket(fd);
    }

    /// <summary>Sends one request to the kernel.</summary>
    /// <exception cref="IOException">send failed.</exception>
    public void Send(byte[] message)
    {
        nint sent;
        do sent = NetworkNative.Send(Fd, message, (nuint)message.Length, 0);
        while (sent < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == NetworkNative.EIntr);
        if (sent < 0) throw Failure("send(netlink)");
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for a datagram; false on timeout (or a signal).</summary>
    public bool WaitReadable(int timeoutMs)
    {
        var poll = new NetworkNative.PollFd { Fd = Fd, Events = NetworkNative.PollIn };
        return NetworkNative.Poll(ref poll, 1, timeoutMs) > 0;
    }

    /// <summary>
    /// Reads one datagram without blocking: its length, or -1 with <paramref name="errno"/> (EAGAIN: nothing
    /// there; ENOBUFS: the kernel dropped messages because the socket buffer overflowed).
    /// </summary>
    public int Receive(byte[] buffer, out int errno)
    {
        var n = NetworkNative.Recv(Fd, buffer, (nuint)buffer.Length, MsgDontWait);
        errno = n < 0 ? System.Runtime.InteropServices.Marshal.GetLastPInvokeError() : 0;
        return n < 0 ? -1 : (int)n;
    }

    private int Fd => fd >= 0 ? fd : throw new ObjectDisposedException(nameof(NetlinkSocket));

    private static IOException Failure(string call) =>
        new($"{call} failed: {NetworkNative.Error(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");

    public void Dispose()
    {
        var old = Interlocked.Exchange(ref fd, -1);
        if (old >= 0) _ = NetworkNative.Close(old);
    }
}
