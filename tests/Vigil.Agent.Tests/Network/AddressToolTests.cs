using System.Diagnostics;
using System.Globalization;
using System.Net;
using Vigil.Cli.Agent.Network;
using Xunit.Abstractions;

namespace Vigil.Agent.Tests.Network;

/// <summary>AddressTool on host h1, seen from the lab client: place, move under carrier loss, verify, remove.</summary>
public sealed class AddressToolTests(ITestOutputHelper output)
{
    private const string Service = "10.50.0.99/24";
    private static readonly IPAddress Router = IPAddress.Parse("10.50.0.1");

    [NetnsFact]
    public async Task A_moved_address_answers_through_the_new_interface_after_the_old_one_lost_carrier()
    {
        using var lab = NetnsLab.Create();
        var added = await lab.RunInAsync("h1", () => AddressTool.AddAsync("d0", Service, CancellationToken.None));
        output.WriteLine("add d0: " + added.Detail);
        Assert.True(added.Ok, added.Detail);
        Assert.True(await lab.RunInAsync("h1", () => AddressTool.IsPresent("d0", Service)));
        Assert.True(await lab.RunInAsync("h1", () => AddressTool.IsPresent("d0", "10.50.0.99")));
        Assert.False(await lab.RunInAsync("h1", () => AddressTool.IsPresent("d0", "10.50.0.99/32")));
        Assert.Contains($"from 10.50.0.99 lookup {Table(lab, "d0")}", lab.Ip("h1", "rule"), StringComparison.Ordinal);
        Assert.True(await lab.PingAsync("c", "e0", "10.50.0.200", "10.50.0.99", TimeSpan.FromSeconds(3)), "client → service on d0");
        Assert.Contains(lab.Mac("h1", "d0"), lab.Ip("c", "neigh", "show", "10.50.0.99"), StringComparison.Ordinal);

        lab.CutCarrier("h1", "d0");
        var clock = Stopwatch.StartNew();
        var (moved, removed) = await lab.RunInAsync("h1", async () =>
            (await AddressTool.AddAsync("d1", Service, CancellationToken.None), await AddressTool.RemoveAsync("d0", Service, CancellationToken.None)));
        var moveMs = clock.ElapsedMilliseconds;
        Assert.True(moved.Ok, moved.Detail);
        Assert.True(removed.Ok, removed.Detail);
        Assert.True(await lab.PingAsync("c", "e0", "10.50.0.200", "10.50.0.99", TimeSpan.FromSeconds(5)), "client → service on d1");
        output.WriteLine($"move (add d1 + announce + remove d0) {moveMs} ms; first reply through d1 {clock.ElapsedMilliseconds} ms after the move began");
        output.WriteLine("move: " + moved.Detail + " / " + removed.Detail);
        Assert.Contains(lab.Mac("h1", "d1"), lab.Ip("c", "neigh", "show", "10.50.0.99"), StringComparison.Ordinal);
        var rules = lab.Ip("h1", "rule");
        Assert.Contains($"from 10.50.0.99 lookup {Table(lab, "d1")}", rules, StringComparison.Ordinal);
        Assert.DoesNotContain($"lookup {Table(lab, "d0")}", rules, StringComparison.Ordinal);
        Assert.False(await lab.RunInAsync("h1", () => AddressTool.IsPresent("d0", Service)));
        Assert.Empty(lab.ThreadsInside());
    }

    [NetnsFact]
    public async Task The_policy_table_routes_replies_out_of_the_holding_interface()
    {
        using var lab = NetnsLab.Create();
        var added = await lab.RunInAsync("h1", () => AddressTool.AddAsync("d1", Service, CancellationToken.None));
        Assert.True(added.Ok, added.Detail);
        var table = lab.Ip("h1", "route", "show", "table", Table(lab, "d1"));
        output.WriteLine($"table {Table(lab, "d1")}:\n{table}");
        Assert.Contains("10.50.0.0/24 dev d1", table, StringComparison.Ordinal);
        Assert.Contains("default via 10.50.0.1 dev d1", table, StringComparison.Ordinal); // main has it on d0
        Assert.Contains("dev d1", lab.Ip("h1", "route", "get", "192.0.2.7", "from", "10.50.0.99"), StringComparison.Ordinal);
        Assert.Contains("dev d0", lab.Ip("h1", "route", "get", "192.0.2.7", "from", "10.50.0.11"), StringComparison.Ordinal);

        var again = await lab.RunInAsync("h1", () => AddressTool.AddAsync("d1", Service, CancellationToken.None));
        Assert.True(again.Ok, again.Detail); // idempotent: one address, one rule
        Assert.Single(lab.Ip("h1", "rule").Split('\n'), l => l.Contains("10.50.0.99", StringComparison.Ordinal));
    }

    [NetnsFact]
    public async Task Verify_needs_a_running_interface_the_address_and_a_reply()
    {
        using var lab = NetnsLab.Create();
        var source = IPAddress.Parse("10.50.0.11");
        var ok = await Verify(lab, "d0", source, [Router], 2000);
        Assert.True(ok.Ok, ok.Detail);
        output.WriteLine("verify: " + ok.Detail);

        var noTargets = await Verify(lab, "d0", source, [], 500);
        Assert.True(noTargets.Ok);
        Assert.Contains("not checked", noTargets.Detail, StringComparison.Ordinal);

        var absent = await Verify(lab, "d0", IPAddress.Parse("10.50.0.77"), [Router], 500);
        Assert.False(absent.Ok);
        Assert.Contains("not on d0", absent.Detail, StringComparison.Ordinal);

        lab.CutPath("h1", "d0");
        var cut = await Verify(lab, "d0", source, [Router, IPAddress.Parse("10.50.0.200")], 1000);
        Assert.False(cut.Ok);
        Assert.Contains("no echo reply", cut.Detail, StringComparison.Ordinal);
        output.WriteLine("verify after cut: " + cut.Detail);

        lab.CutCarrier("h1", "d1");
        var noCarrier = await Verify(lab, "d1", IPAddress.Parse("10.50.0.12"), [Router], 500);
        Assert.False(noCarrier.Ok);
        Assert.Contains("not running", noCarrier.Detail, StringComparison.Ordinal);
        Assert.False((await Verify(lab, "nope0", source, [], 500)).Ok);
        Assert.Empty(lab.ThreadsInside());
    }

    [NetnsFact]
    public async Task Remove_is_idempotent_and_errors_carry_ips_message()
    {
        using var lab = NetnsLab.Create();
        var absent = await lab.RunInAsync("h1", () => AddressTool.RemoveAsync("d0", Service, CancellationToken.None));
        Assert.True(absent.Ok, absent.Detail);
        Assert.Contains("was not on d0", absent.Detail, StringComparison.Ordinal);
        Assert.True((await lab.RunInAsync("h1", () => AddressTool.RemoveAsync("nope0", Service, CancellationToken.None))).Ok);

        var noInterface = await lab.RunInAsync("h1", () => AddressTool.AddAsync("nope0", Service, CancellationToken.None));
        Assert.False(noInterface.Ok);
        Assert.Contains("no interface nope0", noInterface.Detail, StringComparison.Ordinal);
        Assert.False((await lab.RunInAsync("h1", () => AddressTool.AddAsync("d0", "10.50.0.300/24", CancellationToken.None))).Ok);
        var bad = await lab.RunInAsync("h1", () => AddressTool.AddAsync("lo", "ff02::5/64", CancellationToken.None));
        output.WriteLine("multicast address: " + bad.Detail);
        Assert.False(bad.Ok);
        Assert.StartsWith("ip -6 addr replace ff02::5/64 dev lo nodad: Error:", bad.Detail, StringComparison.Ordinal);
    }

    [NetnsFact]
    public async Task Ipv6_addresses_are_placed_announced_and_removed()
    {
        using var lab = NetnsLab.Create();
        var added = await lab.RunInAsync("h1", () => AddressTool.AddAsync("d1", "fd50::99/64", CancellationToken.None));
        output.WriteLine(added.Detail);
        Assert.True(added.Ok, added.Detail);
        Assert.Contains("announced", added.Detail, StringComparison.Ordinal);
        Assert.Contains($"from fd50::99 lookup {Table(lab, "d1")}", lab.Ip("h1", "-6", "rule"), StringComparison.Ordinal);
        var removed = await lab.RunInAsync("h1", () => AddressTool.RemoveAsync("d1", "fd50::99/64", CancellationToken.None));
        Assert.True(removed.Ok, removed.Detail);
        Assert.DoesNotContain("fd50::99", lab.Ip("h1", "-6", "rule"), StringComparison.Ordinal);
    }

    [NetnsFact]
    public async Task Prepare_interface_sets_arp_ignore_and_arp_announce_once()
    {
        using var lab = NetnsLab.Create();
        var log = new List<string>();
        await lab.RunInAsync("h2", () => { AddressTool.PrepareInterface("d0", log.Add); return 0; });
        Assert.Equal(2, log.Count);
        output.WriteLine(string.Join("\n", log));
        await lab.RunInAsync("h2", () => { AddressTool.PrepareInterface("d0", log.Add); return 0; });
        Assert.Equal(2, log.Count);
        var values = await lab.ExecAsync("h2", "cat", "/proc/sys/net/ipv4/conf/d0/arp_ignore", "/proc/sys/net/ipv4/conf/d0/arp_announce");
        Assert.Equal("1\n2\n", values.Out);
        Assert.Equal("0\n", (await lab.ExecAsync("h1", "cat", "/proc/sys/net/ipv4/conf/d0/arp_ignore")).Out);
    }

    private static Task<(bool Ok, string Detail)> Verify(NetnsLab lab, string iface, IPAddress source, IPAddress[] targets, int ms) =>
        lab.RunInAsync("h1", () => AddressTool.VerifyAsync(iface, source, targets, TimeSpan.FromMilliseconds(ms), CancellationToken.None));

    private static string Table(NetnsLab lab, string iface) =>
        (SourceRouting.TableBase + int.Parse(lab.Ip("h1", "-o", "link", "show", "dev", iface).Split(':')[0], CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
}
