using System.Globalization;
using Vigil.Core.Interfaces;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// Watches the links of the network namespace of the thread that calls <see cref="Start"/>: an rtnetlink socket
/// subscribed to RTMGRP_LINK plus an RTM_GETLINK dump, read by a background thread that calls
/// <c>changed(interface, facts)</c> for every link message: once per interface at start (the dump), then at each
/// change. A deleted interface, or the old name of a renamed one, is reported as <see cref="LinkFacts.Missing"/>.
/// If the kernel drops notifications (ENOBUFS: the socket buffer overflowed) every link is read again.
/// The callbacks run on the watcher's thread and must be quick.
/// </summary>
internal sealed class LinkWatcher : IDisposable
{
    private const int PollMs = 200;
    private const int RedumpRetryMs = 100;
    private readonly Action<string, LinkFacts> changed;
    private readonly Action<string> log;
    private readonly Dictionary<int, string> names = []; // ifindex → name, to report renames; watcher thread only
    private readonly int receiveBuffer;
    private NetlinkSocket? socket;
    private Thread? thread;
    private volatile bool stopping;
    private uint dumpSequence;
    private long redumpAt = long.MaxValue; // Environment.TickCount64 at which to ask for a dump again

    /// <param name="changed">Called with the interface name and what the kernel says about it.</param>
    /// <param name="log">Called with a line of text about trouble (overflow, netlink errors).</param>
    public LinkWatcher(Action<string, LinkFacts> changed, Action<string> log)
        : this(changed, log, NetlinkSocket.DefaultReceiveBuffer)
    {
    }

    /// <summary>With the socket's receive buffer size (SO_RCVBUF): tests make it small to provoke ENOBUFS.</summary>
    internal LinkWatcher(Action<string, LinkFacts> changed, Action<string> log, int receiveBuffer)
    {
        this.changed = changed;
        this.log = log;
        this.receiveBuffer = receiveBuffer;
    }

    /// <summary>Opens the socket (in the calling thread's network namespace), asks for a dump and starts the thread.</summary>
    /// <exception cref="IOException">the netlink socket could not be opened.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        if (socket is not null) throw new InvalidOperationException("LinkWatcher already started");
        socket = NetlinkSocket.Open(Netlink.GroupLink, receiveBuffer);
        RequestDump();
        thread = new Thread(Run) { IsBackground = true, Name = "vigil link watcher" };
        thread.Start();
    }

    /// <summary>
    /// What the kernel says about <paramref name="iface"/> now, in the calling thread's namespace (netlink);
    /// if netlink cannot be used, from /sys/class/net/IFACE (flags, carrier, operstate).
    /// </summary>
    public static LinkFacts Read(string iface)
    {
        try
        {
            return LinkQuery.Find(iface)?.Facts ?? LinkFacts.Missing;
        }
        catch (IOException)
        {
            return ReadSysfs(iface);
        }
    }

    /// <summary>/sys/class/net/IFACE: flags (hex, IFF_UP) and carrier + operstate for Running.</summary>
    internal static LinkFacts ReadSysfs(string iface)
    {
        var dir = Path.Combine("/sys/class/net", iface);
        if (iface.Contains('/') || !Directory.Exists(dir)) return LinkFacts.Missing;
        var flagsText = ReadText(Path.Combine(dir, "flags")) ?? "0x0";
        var flags = uint.TryParse(flagsText.Replace("0x", "", StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var f) ? f : 0;
        var adminUp = (flags & LinkInfo.IffUp) != 0;
        var carrier = ReadText(Path.Combine(dir, "carrier")) == "1"; // reading fails (EINVAL) while admin down
        var operstate = ReadText(Path.Combine(dir, "operstate"));
        return new LinkFacts(true, adminUp, adminUp && carrier && operstate is "up" or "unknown");
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void Run()
    {
        _ = ProcessNamespace.Rejoin(); // the socket is open: the thread itself needs no namespace
        var buffer = new byte[NetlinkSocket.BufferSize];
        while (!stopping)
        {
            if (Environment.TickCount64 >= redumpAt) RequestDump();
            if (!socket!.WaitReadable(PollMs)) continue;
            var n = socket.Receive(buffer, out var errno);
            if (n < 0)
            {
                if (errno == NetworkNative.ENoBufs)
                {
                    log("link watcher: netlink buffer overflowed, some link changes were lost: reading every link again");
                    RequestDump();
                }
                else if (errno is not (NetworkNative.EAgain or NetworkNative.EIntr))
                {
                    log($"link watcher: recv failed: {NetworkNative.Error(errno)}");
                    Thread.Sleep(PollMs);
                }
                continue;
            }
            foreach (var message in Netlink.Split(buffer, n)) Handle(buffer, message);
        }
    }

    private void Handle(byte[] buffer, NetlinkMessage message)
    {
        switch (message.Type)
        {
            case Netlink.NewLink when LinkInfo.Parse(buffer, message) is { } link:
                if (names.TryGetValue(link.Index, out var old) && old != link.Name) Report(old, LinkFacts.Missing); // renamed
                names[link.Index] = link.Name;
                Report(link.Name, link.Facts);
                break;
            case Netlink.DelLink when LinkInfo.Parse(buffer, message) is { } link:
                names.Remove(link.Index);
                Report(link.Name, LinkFacts.Missing);
                break;
            case Netlink.Error when message.Sequence == dumpSequence:
                var errno = Netlink.ErrorNumber(buffer, message);
                if (errno == NetworkNative.EBusy) redumpAt = Environment.TickCount64 + RedumpRetryMs; // an earlier dump is still running
                else if (errno != 0) log($"link watcher: link dump failed: {NetworkNative.Error(errno)}");
                break;
            case Netlink.Overrun:
                RequestDump();
                break;
        }
    }

    private void Report(string name, LinkFacts facts)
    {
        try
        {
            changed(name, facts);
        }
        catch (Exception e)
        {
            log($"link watcher: callback for {name} threw {e.GetType().Name}: {e.Message}");
        }
    }

    private void RequestDump()
    {
        redumpAt = long.MaxValue;
        dumpSequence++;
        try
        {
            socket!.Send(Netlink.Request(Netlink.GetLink, Netlink.FlagRequest | Netlink.FlagDump, dumpSequence, new byte[16]));
        }
        catch (IOException e)
        {
            log($"link watcher: {e.Message}; retrying");
            redumpAt = Environment.TickCount64 + 1000;
        }
    }

    /// <summary>Stops the thread (within about <see cref="PollMs"/> ms) and closes the socket.</summary>
    public void Dispose()
    {
        if (stopping) return;
        stopping = true;
        if (thread is not null && !thread.Join(TimeSpan.FromSeconds(2))) log("link watcher: thread did not stop within 2 s");
        socket?.Dispose();
    }
}
