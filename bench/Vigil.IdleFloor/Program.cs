// The idle-CPU floor of this machine for the traffic an idle agent must carry (distributed-core issue, idle CPU target).
// Three processes stand for three nodes on loopback, heartbeat 50 ms, 2 networks. Each does only the least an agent
// must do per heartbeat, with raw system calls and no message content, crypto or decisions:
//   - a network thread wakes, sends one 300-byte datagram to each peer on each network (4), and reads what arrived (4);
//   - a decision thread wakes once (a timed wait, as the agent's loop ticks).
// Also measured: a process whose one thread only wakes 20 times a second, and a .NET process that does nothing.
// What it prints is the CPU share per process (utime + stime from /proc, as bench/agent.sh measures the agent).
// Run: bench/idle-floor.sh [--seconds N]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

if (args.Length > 0 && args[0] == "--role") return Role.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));

var seconds = args.Length > 1 && args[0] == "--seconds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
var basePort = 27000 + Environment.ProcessId % 1000 * 10;
Console.WriteLine($"== idle CPU floor on this machine ({Environment.ProcessorCount} cores), {seconds} s per case, heartbeat 50 ms");
Measure("a .NET process that does nothing", ["idle"]);
Measure("one thread that only wakes 20 times a second", ["tick"]);
Measure("least agent: 3 nodes, 2 networks (4 sends + 4 receives per heartbeat) + a 20 Hz decision thread", ["node0", "node1", "node2"]);
return 0;

void Measure(string label, string[] roles)
{
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) != "dotnet")
        throw new InvalidOperationException("run with 'dotnet' (bench/idle-floor.sh does)");
    var children = roles.Select(r => Process.Start(new ProcessStartInfo(Environment.ProcessPath!)
    {
        ArgumentList = { typeof(Role).Assembly.Location, "--role", r, basePort.ToString(CultureInfo.InvariantCulture) },
        RedirectStandardInput = true,
    })!).ToList();
    Thread.Sleep(3000); // start-up and JIT are not idle
    var before = children.Select(Cpu).ToList();
    var watch = Stopwatch.StartNew();
    Thread.Sleep(TimeSpan.FromSeconds(seconds));
    var shares = children.Select((c, i) => (Cpu(c) - before[i]) / watch.Elapsed.TotalSeconds * 100).ToList();
    foreach (var c in children) { c.Kill(); c.WaitForExit(); }
    Console.WriteLine($"{label}: {string.Join(", ", shares.Select(s => $"{s:F2} %"))} of a core per process");
}

static double Cpu(Process p)
{
    var stat = File.ReadAllText($"/proc/{p.Id}/stat");
    var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / 100.0;
}

internal static unsafe class Role
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static int Run(string role, int basePort)
    {
        if (role == "tick") new Thread(() => { while (true) Thread.Sleep(Interval); }) { IsBackground = true }.Start();
        if (role.StartsWith("node", StringComparison.Ordinal)) StartNode(role[4] - '0', basePort);
        Console.In.ReadLine(); // until killed
        return 0;
    }

    private static void StartNode(int self, int basePort)
    {
        // Node i listens on basePort + 2i (network 0) and basePort + 2i + 1 (network 1).
        var sockets = new[] { Bind(basePort + 2 * self), Bind(basePort + 2 * self + 1) };
        var peers = Enumerable.Range(0, 3).Where(i => i != self)
            .SelectMany(i => new[] { (Socket: 0, Port: basePort + 2 * i), (Socket: 1, Port: basePort + 2 * i + 1) }).ToArray();
        var net = new Thread(() =>
        {
            var payload = new byte[300];
            var buffer = new byte[2048];
            var fds = sockets.Select(s => (int)s.Handle).ToArray();
            var addresses = peers.Select(p => Address(p.Port)).ToArray();
            var next = Stopwatch.GetTimestamp();
            while (true)
            {
                next += (long)(Interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero) Thread.Sleep(wait);
                fixed (byte* p = payload)
                    for (var i = 0; i < peers.Length; i++)
                    {
                        var to = addresses[i];
                        sendto(fds[peers[i].Socket], p, payload.Length, 0, &to, sizeof(SockaddrIn));
                    }
                fixed (byte* b = buffer)
                    foreach (var fd in fds)
                        while (recv(fd, b, buffer.Length, MsgDontWait) > 0) { }
            }
        })
        { IsBackground = true, Name = "net" };
        var gate = new object();
        var loop = new Thread(() =>
        {
            while (true) lock (gate) Monitor.Wait(gate, Interval);
        })
        { IsBackground = true, Name = "loop" };
        net.Start();
        loop.Start();
    }

    private static Socket Bind(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, port));
        return s;
    }

    private static SockaddrIn Address(int port) => new()
    {
        Family = (ushort)AddressFamily.InterNetwork,
        Port = (ushort)IPAddress.HostToNetworkOrder((short)port),
        Address = (uint)IPAddress.HostToNetworkOrder(0x7f000001),
    };

    private const int MsgDontWait = 0x40;

    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrIn
    {
        public ushort Family;
        public ushort Port;
        public uint Address;
        public ulong Zero;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint sendto(int fd, byte* buffer, nint length, int flags, SockaddrIn* to, int toLength);

    [DllImport("libc", SetLastError = true)]
    private static extern nint recv(int fd, byte* buffer, nint length, int flags);
}
