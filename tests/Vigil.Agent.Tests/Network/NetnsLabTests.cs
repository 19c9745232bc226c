using Vigil.Cli.Agent.Network;
using Xunit.Abstractions;

namespace Vigil.Agent.Tests.Network;

/// <summary>The lab itself, and what a thread sees after setns(2) into a lab namespace.</summary>
public sealed class NetnsLabTests(ITestOutputHelper output)
{
    [NetnsFact]
    public async Task Lab_comes_up_connected_and_goes_away()
    {
        string prefix;
        using (var lab = NetnsLab.Create())
        {
            prefix = lab.Prefix;
            Assert.Contains("10.50.0.11/24", lab.Ip("h1", "-o", "addr", "show", "dev", "d0"), StringComparison.Ordinal);
            Assert.True(await lab.PingAsync("c", "e0", "10.50.0.200", "10.50.0.1", TimeSpan.FromSeconds(3)), "client → router");
            Assert.True(await lab.PingAsync("h2", "d1", "10.50.0.22", "10.50.0.11", TimeSpan.FromSeconds(3)), "h2 d1 → h1 d0");
            Assert.True(await lab.PingAsync("h1", "m0", "10.60.0.1", "10.60.0.2", TimeSpan.FromSeconds(3)), "management h1 → h2");
            Assert.Empty(lab.ThreadsInside());
        }
        Assert.DoesNotContain(prefix + "-", NetnsLab.Run("ip", "netns", "list").Out, StringComparison.Ordinal);
    }

    [NetnsFact]
    public async Task A_thread_in_a_namespace_and_the_ip_it_forks_see_that_namespace_but_sysfs_does_not()
    {
        using var lab = NetnsLab.Create();
        var home = NetnsThread.Current();
        var seen = await lab.RunInAsync("h1", async () =>
        {
            var inside = NetnsThread.Current();
            var ip = await IpCommand.RunAsync(["-o", "link", "show"], CancellationToken.None);
            var afterAwait = NetnsThread.Current(); // the continuation came back to the namespace thread
            var ip2 = await IpCommand.RunAsync(["-o", "addr", "show", "dev", "d1"], CancellationToken.None);
            return (inside, ip.Out, afterAwait, ip2.Out, Sys: Directory.Exists("/sys/class/net/d0"), Proc: File.ReadAllText("/proc/thread-self/net/dev"));
        });
        output.WriteLine($"home {home}, inside {seen.inside}; /sys/class/net/d0 exists inside: {seen.Sys}");
        Assert.NotEqual(home, seen.inside);
        Assert.Equal(seen.inside, seen.afterAwait);
        Assert.Contains(" d0", seen.Item2, StringComparison.Ordinal); // forked ip inherits the thread's namespace
        Assert.Contains("10.50.0.12/24", seen.Item4, StringComparison.Ordinal);
        Assert.Contains("d0:", seen.Proc, StringComparison.Ordinal);
        Assert.False(seen.Sys); // sysfs shows the namespace that mounted it: why the code asks netlink instead
        Assert.Equal(home, NetnsThread.Current());
        Assert.Empty(lab.ThreadsInside());
    }

    [NetnsFact]
    public async Task Threads_started_inside_a_namespace_by_the_watcher_and_prober_go_home()
    {
        using var lab = NetnsLab.Create();
        var threadNamespaces = new List<string>();
        var home = NetnsThread.Current();
        var (watcher, prober) = await lab.RunInAsync("h1", () =>
        {
            var w = new LinkWatcher((_, _) => { lock (threadNamespaces) threadNamespaces.Add(NetnsThread.Current()); }, _ => { });
            w.Start();
            var p = new IcmpProber("d0", System.Net.IPAddress.Parse("10.50.0.11"), (_, _) => { lock (threadNamespaces) threadNamespaces.Add(NetnsThread.Current()); }, _ => { });
            return (w, p);
        });
        using (watcher)
        using (prober)
        {
            prober.TrySend(System.Net.IPAddress.Parse("10.50.0.1"), 1, out _);
            for (var i = 0; i < 50 && prober.Received == 0; i++) await Task.Delay(50);
            Assert.Equal(1, prober.Received);
            Assert.Empty(lab.ThreadsInside());
            var clock = System.Diagnostics.Stopwatch.StartNew();
            watcher.Dispose();
            prober.Dispose();
            output.WriteLine($"watcher + prober disposed in {clock.ElapsedMilliseconds} ms");
            Assert.True(clock.ElapsedMilliseconds < 1000);
            Assert.False(prober.TrySend(System.Net.IPAddress.Parse("10.50.0.1"), 2, out _));
        }
        lock (threadNamespaces) Assert.All(threadNamespaces, ns => Assert.Equal(home, ns));
    }
}
