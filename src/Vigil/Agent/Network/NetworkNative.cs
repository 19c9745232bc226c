using System.Runtime.InteropServices;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// The few libc calls the network layer needs that .NET's <see cref="System.Net.Sockets.Socket"/> cannot make:
/// netlink (AF_NETLINK) and packet (AF_PACKET) sockets. Buffers are passed as arrays, so no unsafe code is needed.
/// Every socket is created by the calling thread, so it lives in that thread's network namespace.
/// </summary>
internal static class NetworkNative
{
    public const int AfNetlink = 16;
    public const int AfPacket = 17;
    public const int SockRaw = 3;
    public const int SockCloExec = 0x80000;
    public const int NetlinkRoute = 0;
    public const int SolSocket = 1;
    public const int SoRcvBuf = 8;
    public const int SoBindToDevice = 25;
    public const short PollIn = 0x1;
    public const int CloneNewNet = 0x40000000;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int ENoDev = 19;
    public const int EBusy = 16;
    public const int ENoBufs = 105;

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static extern int Socket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static extern int Bind(int fd, byte[] address, int length);

    [DllImport("libc", EntryPoint = "send", SetLastError = true)]
    public static extern nint Send(int fd, byte[] buffer, nuint length, int flags);

    [DllImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static extern nint SendTo(int fd, byte[] buffer, nuint length, int flags, byte[] address, int addressLength);

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static extern nint Recv(int fd, byte[] buffer, nuint length, int flags);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static extern int SetSockOpt(int fd, int level, int name, ref int value, int length);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static extern int Poll(ref PollFd fd, nuint count, int timeoutMs);

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static extern int SetNs(int fd, int nsType);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);

    /// <summary>The errno of the last failed call, as text: "No such device (errno 19)".</summary>
    public static string Error(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    /// <summary>Host to network byte order for 16 bits (Linux is little-endian on every supported CPU).</summary>
    public static ushort Htons(ushort value) => BitConverter.IsLittleEndian ? (ushort)((value << 8) | (value >> 8)) : value;
}
