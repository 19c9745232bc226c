using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// The libc calls <see cref="UdpTransport"/> needs beyond <see cref="Socket"/>: SO_REUSEPORT with a classic BPF
/// steering program, kernel receive timestamps (SO_TIMESTAMPNS), non-blocking recvmsg, poll and an eventfd.
/// Linux x86-64/arm64 layouts (LP64). No unsafe code: buffers live in native memory and are read with Marshal.
/// </summary>
internal static class UdpNative
{
    private const int SolSocket = 1;
    private const int SoReusePort = 15;
    private const int SoTimestampNs = 35;
    private const int SoAttachReusePortCbpf = 51;
    private const int MsgDontWait = 0x40;
    private const int MsgTrunc = 0x20;
    private const int EfdCloexec = 0x80000;
    private const int EfdNonblock = 0x800;
    public const short PollIn = 0x1;
    public const int EAgain = 11;
    public const int EIntr = 4;

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    public static int Fd(Socket socket) => (int)socket.Handle;

    public static void SetReusePort(Socket socket) => socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));

    /// <summary>Asks for a CLOCK_REALTIME receive timestamp with every datagram; false when the kernel refuses.</summary>
    public static bool TryEnableTimestamps(Socket socket)
    {
        try
        {
            socket.SetRawSocketOption(SolSocket, SoTimestampNs, BitConverter.GetBytes(1));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Attaches the steering program to the reuseport group of <paramref name="socket"/>: a datagram whose kind
    /// byte (offset <see cref="WireFormat.KindOffset"/> + the sender name length at offset 8) has the routine bit
    /// goes to the group's second socket, anything else (and anything too short to tell) to the first.
    /// </summary>
    public static void AttachRoutineSteering(Socket socket)
    {
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }
        ulong[] program =
        [
            Instruction(0x30, 0, 0, 8),                          // ldb [8]        A = sender name length
            Instruction(0x07, 0, 0, 0),                          // tax            X = A
            Instruction(0x50, 0, 0, WireFormat.KindOffset),      // ldb [x + 25]   A = kind byte
            Instruction(0x45, 0, 1, WireFormat.RoutineFlag),     // jset #0x80     routine?
            Instruction(0x06, 0, 0, 1),                          // ret #1         the routine socket
            Instruction(0x06, 0, 0, 0),                          // ret #0         the control socket
        ];
        var handle = GCHandle.Alloc(program, GCHandleType.Pinned);
        try
        {
            // struct sock_fprog { u16 len; (6 bytes padding) struct sock_filter *filter; }
            var fprog = new byte[16];
            BitConverter.TryWriteBytes(fprog.AsSpan(0, 2), (ushort)program.Length);
            BitConverter.TryWriteBytes(fprog.AsSpan(8, 8), (long)handle.AddrOfPinnedObject());
            socket.SetRawSocketOption(SolSocket, SoAttachReusePortCbpf, fprog); // the kernel copies the program
        }
        finally
        {
            handle.Free();
        }
    }

    private static ulong Instruction(ushort code, byte jt, byte jf, uint k) =>
        code | (ulong)jt << 16 | (ulong)jf << 24 | (ulong)k << 32;

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static extern int Poll([In, Out] PollFd[] fds, nuint count, int timeoutMs);

    [DllImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static extern int EventFd(uint initial, int flags);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint Write(int fd, byte[] buffer, nuint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static extern nint RecvMsg(int fd, IntPtr message, int flags);

    /// <summary>A non-blocking eventfd to wake a poll; -1 when none can be made.</summary>
    public static int NewWakeFd() => EventFd(0, EfdCloexec | EfdNonblock);

    public static void Wake(int fd)
    {
        if (fd >= 0) Write(fd, BitConverter.GetBytes(1L), 8);
    }

    /// <summary>
    /// One reusable receive buffer in native memory: struct msghdr, iovec, source address and control space for a
    /// timestamp, and 64 KiB of data. Used by one thread at a time.
    /// </summary>
    public sealed class Receiver : IDisposable
    {
        private const int MsgHdrBytes = 56;
        private const int IovBytes = 16;
        private const int NameBytes = 128;
        private const int ControlBytes = 128;
        private const int DataBytes = ushort.MaxValue + 1;
        private readonly IntPtr block;
        private readonly IntPtr msg;
        private readonly IntPtr iov;
        private readonly IntPtr name;
        private readonly IntPtr control;
        private readonly IntPtr data;

        public Receiver()
        {
            block = Marshal.AllocHGlobal(MsgHdrBytes + IovBytes + NameBytes + ControlBytes + DataBytes);
            msg = block;
            iov = msg + MsgHdrBytes;
            name = iov + IovBytes;
            control = name + NameBytes;
            data = control + ControlBytes;
        }

        /// <summary>
        /// Reads one datagram without blocking. Returns its bytes, or null when none is waiting (errno in
        /// <paramref name="errno"/>: EAGAIN when drained). <paramref name="stamp"/> is the kernel's CLOCK_REALTIME
        /// receive time when it gave one.
        /// </summary>
        public byte[]? TryReceive(int fd, out IPEndPoint? from, out DateTimeOffset? stamp, out int errno)
        {
            from = null;
            stamp = null;
            errno = 0;
            Marshal.WriteIntPtr(msg, 0, name);
            Marshal.WriteInt32(msg, 8, NameBytes);
            Marshal.WriteIntPtr(msg, 16, iov);
            Marshal.WriteInt64(msg, 24, 1);
            Marshal.WriteIntPtr(msg, 32, control);
            Marshal.WriteInt64(msg, 40, ControlBytes);
            Marshal.WriteInt32(msg, 48, 0);
            Marshal.WriteIntPtr(iov, 0, data);
            Marshal.WriteInt64(iov, 8, DataBytes);
            var length = RecvMsg(fd, msg, MsgDontWait);
            if (length < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return null;
            }
            if ((Marshal.ReadInt32(msg, 48) & MsgTrunc) != 0)
            {
                errno = -1; // larger than any datagram we send: not ours
                return null;
            }
            var datagram = new byte[length];
            Marshal.Copy(data, datagram, 0, (int)length);
            from = ReadAddress(Marshal.ReadInt32(msg, 8));
            stamp = ReadTimestamp(Marshal.ReadInt64(msg, 40));
            return datagram;
        }

        private IPEndPoint? ReadAddress(int length)
        {
            var family = Marshal.ReadInt16(name, 0);
            var port = (ushort)IPAddress.NetworkToHostOrder(Marshal.ReadInt16(name, 2));
            if (family == 2 && length >= 16)
            {
                var bytes = new byte[4];
                Marshal.Copy(name + 4, bytes, 0, 4);
                return new IPEndPoint(new IPAddress(bytes), port);
            }
            if (family == 10 && length >= 28)
            {
                var bytes = new byte[16];
                Marshal.Copy(name + 8, bytes, 0, 16);
                return new IPEndPoint(new IPAddress(bytes, (uint)Marshal.ReadInt32(name, 24)), port);
            }
            return null;
        }

        private DateTimeOffset? ReadTimestamp(long controlLength)
        {
            // struct cmsghdr { size_t len; int level; int type; } then struct timespec { long sec; long nsec; }
            var offset = 0L;
            while (offset + 32 <= controlLength)
            {
                var length = Marshal.ReadInt64(control, (int)offset);
                if (length < 16) return null;
                if (Marshal.ReadInt32(control, (int)offset + 8) == SolSocket && Marshal.ReadInt32(control, (int)offset + 12) == SoTimestampNs)
                {
                    var seconds = Marshal.ReadInt64(control, (int)offset + 16);
                    var nanos = Marshal.ReadInt64(control, (int)offset + 24);
                    return DateTimeOffset.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + nanos / 100);
                }
                offset += (length + 7) & ~7L;
            }
            return null;
        }

        public void Dispose() => Marshal.FreeHGlobal(block);
    }
}
