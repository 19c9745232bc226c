using System.Collections.Concurrent;
using System.Diagnostics;
using Vigil.Cli.Agent.Network;
using Vigil.Core.Interfaces;
using Xunit.Abstractions;

namespace Vigil.Agent.Tests.Network;

/// <summary>LinkWatcher and LinkWatcher.Read against real interfaces in a lab namespace.</summary>
public sealed class LinkWatcherTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly BlockingCollection<(string Interface, LinkFacts Facts, long At)> events = new(10_000);
    private readonly ConcurrentQueue<(string Interface, LinkFacts Facts)> all = new();
    private readonly ConcurrentQueue<string> logs = new();

    [NetnsFact]
    public async Task Sees_carrier_loss_and_restore_of_d0_quickly()
    {
        using var lab = NetnsLab.Create();
        using var watcher = new LinkWatcher(Changed, logs.Enqueue);
        await lab.RunInAsync("h1", () => { watcher.Start(); return 0; });

        Assert.Equal(new LinkFacts(true, true, true), Next("d0", _ => true).Facts); // from the initial dump
        Assert.Contains(all, e => e.Interface == "lo" && e.Facts.Running);
        Assert.Contains(all, e => e.Interface == "d1" && e.Facts.Running);

        var cut = Stopwatch.GetTimestamp();
        lab.CutCarrier("h1", "d0");
        var lost = Next("d0", f => !f.Running);
        Assert.Equal(new LinkFacts(true, true, false), lost.Facts);
        Assert.Equal(new LinkFacts(true, true, false), await lab.RunInAsync("h1", () => LinkWatcher.Read("d0")));

        var restore = Stopwatch.GetTimestamp();
        lab.RestoreCarrier("h1", "d0");
        var back = Next("d0", f => f.Running);
        Assert.Equal(new LinkFacts(true, true, true), await lab.RunInAsync("h1", () => LinkWatcher.Read("d0")));

        output.WriteLine($"carrier loss seen {Stopwatch.GetElapsedTime(cut, lost.At).TotalMilliseconds:0.0} ms after starting 'ip link set down' on the peer");
        output.WriteLine($"carrier restore seen {Stopwatch.GetElapsedTime(restore, back.At).TotalMilliseconds:0.0} ms after starting 'ip link set up' on the peer");
        Assert.True(Stopwatch.GetElapsedTime(cut, lost.At) < TimeSpan.FromSeconds(1));
        Assert.Empty(logs);
        Assert.Empty(lab.ThreadsInside());
    }

    [NetnsFact]
    public async Task Reports_admin_down_deletion_and_rename()
    {
        using var lab = NetnsLab.Create();
        using var watcher = new LinkWatcher(Changed, logs.Enqueue);
        await lab.RunInAsync("h1", () => { watcher.Start(); return 0; });
        Next("m0", f => f.Running);

        lab.Ip("h1", "link", "set", "d1", "down");
        Assert.Equal(new LinkFacts(true, false, false), Next("d1", f => !f.AdminUp).Facts);
        lab.Ip("h1", "link", "set", "d1", "name", "x1");
        Assert.Equal(LinkFacts.Missing, Next("d1", f => !f.Exists).Facts);
        Assert.True(Next("x1", _ => true).Facts.Exists);

        lab.Ip("h1", "link", "del", "m0");
        Assert.Equal(LinkFacts.Missing, Next("m0", f => !f.Exists).Facts);
        Assert.Equal(LinkFacts.Missing, await lab.RunInAsync("h1", () => LinkWatcher.Read("m0")));
        Assert.Equal(LinkFacts.Missing, await lab.RunInAsync("h1", () => LinkWatcher.Read("no-such-if")));
        Assert.Empty(logs);
    }

    [NetnsFact]
    public async Task Taking_a_port_off_the_bridge_is_not_a_deletion()
    {
        using var lab = NetnsLab.Create();
        using var watcher = new LinkWatcher(Changed, logs.Enqueue);
        await lab.RunInAsync("br", () => { watcher.Start(); return 0; });
        Next("h1d0", f => f.Running);
        lab.CutPath("h1", "d0"); // the bridge sends an AF_BRIDGE RTM_DELLINK for the port
        lab.CutCarrier("h2", "d0");
        Next("h2d0", f => !f.AdminUp);
        Assert.DoesNotContain(all, e => e.Interface == "h1d0" && !e.Facts.Exists);
    }

    [NetnsFact]
    public async Task After_an_overflow_every_link_is_read_again()
    {
        using var lab = NetnsLab.Create();
        using var gate = new ManualResetEventSlim(true);
        using var watcher = new LinkWatcher((i, f) => { gate.Wait(TimeSpan.FromSeconds(5)); Changed(i, f); }, logs.Enqueue, receiveBuffer: 4096);
        await lab.RunInAsync("h1", () => { watcher.Start(); return 0; });
        Next("m0", _ => true); // the last link of the dump
        Assert.Contains(all, e => e.Interface == "d1" && e.Facts.Running);

        gate.Reset(); // the watcher thread blocks in the next callback while the changes pile up
        lab.IpBatch("br", [.. Enumerable.Repeat<string[]>(["link set h1d1 down", "link set h1d1 up"], 40).SelectMany(c => c), "link set h1d1 down"]);
        gate.Set();

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Wait && !logs.Any(l => l.Contains("overflowed", StringComparison.Ordinal))) await Task.Delay(50);
        Assert.Contains(logs, l => l.Contains("overflowed", StringComparison.Ordinal));
        Next("m0", _ => true); // the dump after the overflow reports every link again, d1 without carrier
        while (clock.Elapsed < Wait && all.LastOrDefault(e => e.Interface == "d1").Facts.Running) await Task.Delay(50);
        await Task.Delay(300); // anything still on its way
        Assert.False(all.Last(e => e.Interface == "d1").Facts.Running);
    }

    private void Changed(string iface, LinkFacts facts)
    {
        all.Enqueue((iface, facts));
        events.TryAdd((iface, facts, Stopwatch.GetTimestamp()));
    }

    private (string Interface, LinkFacts Facts, long At) Next(string iface, Func<LinkFacts, bool> wanted)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Wait)
        {
            if (events.TryTake(out var e, TimeSpan.FromMilliseconds(100)) && e.Interface == iface && wanted(e.Facts)) return e;
        }
        throw new Xunit.Sdk.XunitException($"no matching event for {iface} within {Wait}; log: {string.Join("; ", logs)}");
    }
}
