using System.Collections.Concurrent;
using System.Net;
using Vigil.Cli.Agent.Network;

namespace Vigil.Agent.Tests.Network;

/// <summary>IcmpProber from host h1's two data interfaces to the lab router.</summary>
public sealed class IcmpProberTests
{
    private static readonly IPAddress Router = IPAddress.Parse("10.50.0.1");
    private readonly ConcurrentQueue<string> logs = new();

    [NetnsFact]
    public async Task Gets_replies_until_its_path_is_cut_while_the_other_interface_still_does()
    {
        using var lab = NetnsLab.Create();
        var d0 = new ConcurrentQueue<(long Sequence, IPAddress From)>();
        var d1 = new ConcurrentQueue<(long Sequence, IPAddress From)>();
        var (p0, p1) = await lab.RunInAsync("h1", () => (
            new IcmpProber("d0", IPAddress.Parse("10.50.0.11"), (s, f) => d0.Enqueue((s, f)), logs.Enqueue),
            new IcmpProber("d1", IPAddress.Parse("10.50.0.12"), (s, f) => d1.Enqueue((s, f)), logs.Enqueue)));
        using (p0)
        using (p1)
        {
            await Probe(p0, p1, 1, 3);
            Assert.Contains(d0, r => r.Sequence is >= 1 and <= 3 && r.From.Equals(Router));
            Assert.Contains(d1, r => r.Sequence is >= 1 and <= 3 && r.From.Equals(Router));

            lab.CutPath("h1", "d0");
            await Probe(p0, p1, 1_000_000_000_001, 5); // sequences beyond 16 bits travel in the payload
            Assert.DoesNotContain(d0, r => r.Sequence > 1_000_000_000_000);
            Assert.Contains(d1, r => r.Sequence > 1_000_000_000_000);
            Assert.Equal(8, p0.Sent);
            Assert.Equal(8, p1.Sent);
            Assert.InRange(p0.Received, 1, 3);
            Assert.InRange(p1.Received, 6, 8);

            lab.RestorePath("h1", "d0");
            await Probe(p0, p1, 100, 5);
            Assert.Contains(d0, r => r.Sequence >= 100);
        }
        Assert.Empty(logs);
        Assert.Empty(lab.ThreadsInside());
    }

    [NetnsFact]
    public async Task Keeps_only_replies_to_its_own_echoes_and_reports_send_errors()
    {
        using var lab = NetnsLab.Create();
        var mine = 0;
        var theirs = 0;
        var (a, b) = await lab.RunInAsync("h1", () => (
            new IcmpProber("d0", IPAddress.Parse("10.50.0.11"), (_, _) => Interlocked.Increment(ref mine), logs.Enqueue),
            new IcmpProber("d0", IPAddress.Parse("10.50.0.11"), (_, _) => Interlocked.Increment(ref theirs), logs.Enqueue)));
        using (a)
        using (b)
        {
            for (var i = 1; i <= 3; i++) Assert.True(a.TrySend(Router, i, out _));
            for (var i = 0; i < 40 && Volatile.Read(ref mine) < 3; i++) await Task.Delay(50);
            await Task.Delay(200);
            Assert.Equal(3, Volatile.Read(ref mine));
            Assert.Equal(0, Volatile.Read(ref theirs));
            Assert.Equal(0, b.Received);

            lab.Ip("h1", "link", "set", "d0", "down");
            Assert.False(a.TrySend(Router, 9, out var error));
            Assert.Contains("10.50.0.11 on d0", error, StringComparison.Ordinal);
            Assert.Equal(3, a.Sent);
        }
    }

    private static async Task Probe(IcmpProber p0, IcmpProber p1, long first, int count)
    {
        for (var s = first; s < first + count; s++)
        {
            Assert.True(p0.TrySend(Router, s, out var e0), e0);
            Assert.True(p1.TrySend(Router, s, out var e1), e1);
            await Task.Delay(150);
        }
        await Task.Delay(300);
    }
}
