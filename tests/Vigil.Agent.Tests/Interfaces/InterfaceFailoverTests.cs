using System.Diagnostics;
using Vigil.Agent.Tests.Cluster;
using Vigil.Agent.Tests.Network;

namespace Vigil.Agent.Tests.Interfaces;

/// <summary>
/// Interface failover end to end: a real `vigil agent` inside a lab host (network namespaces joined by a bridge),
/// the ip_address resource `web-ip` in its interface group `public` (d0 and d1), a client namespace pinging it.
/// Link loss, probe loss with the carrier up, repair and each failback policy, group failure, all targets down.
/// </summary>
[Collection(nameof(RealClusters))]
public sealed class InterfaceFailoverTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    [NetnsFact]
    public async Task Carrier_loss_moves_the_address_to_the_other_interface_and_auto_failback_brings_it_home()
    {
        using var lab = Lab();
        await Running(lab, "h1");

        lab.Net.CutCarrier("h1", "d0");
        await lab.WaitUntil(() => lab.WebIpOn("h1") == "d1", Soon, "web-ip to move to d1");
        Assert.Equal(["d1"], await lab.KernelHasAddressOn("h1"));
        await lab.WaitUntil(lab.ClientReaches, Soon, "the client to reach web-ip through d1");
        // The gratuitous ARP from d1 updated the client's neighbour entry.
        var neigh = (await lab.Net.ExecAsync("c", "ip", "neigh", "show", IpLab.Address)).Out;
        Assert.Contains(lab.Net.Mac("h1", "d1"), neigh, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("failed", lab.InterfaceState("h1", "d0"));

        lab.Net.RestoreCarrier("h1", "d0");
        await lab.WaitUntil(() => lab.WebIpOn("h1") == "d0", Soon, "web-ip to fail back to d0 after repair (10 probe replies)");
        Assert.Equal(["d0"], await lab.KernelHasAddressOn("h1"));
        await lab.WaitUntil(lab.ClientReaches, Soon, "the client to reach web-ip through d0 again");
        var events = await lab.Events("h1");
        Assert.Contains("carrier", events, StringComparison.Ordinal);
        Assert.Contains("moved from d0 to d1", events, StringComparison.Ordinal);
    }

    [NetnsFact]
    public async Task A_path_cut_behind_a_running_interface_is_found_by_probes_after_about_the_detection_time()
    {
        using var lab = Lab(fdt: "2s");
        await Running(lab, "h1");
        await lab.WaitUntil(() => ProbesAnswered(lab, "h1"), Soon, "probes to be answered on d0 and d1");

        var watch = Stopwatch.StartNew();
        lab.Net.CutPath("h1", "d0"); // the carrier stays up: only probes can tell
        await lab.WaitUntil(() => lab.WebIpOn("h1") == "d1", TimeSpan.FromSeconds(15), "web-ip to move to d1 after 5 missed probes");
        var detected = watch.Elapsed;
        Assert.True(detected > TimeSpan.FromSeconds(1.2), $"moved after {detected.TotalMilliseconds:F0} ms: sooner than 5 missed probes can take with FDT 2 s");
        Assert.Equal("failed", lab.InterfaceState("h1", "d0"));
        await lab.WaitUntil(lab.ClientReaches, Soon, "the client to reach web-ip through d1");

        lab.Net.RestorePath("h1", "d0");
        await lab.WaitUntil(() => lab.WebIpOn("h1") == "d0", TimeSpan.FromSeconds(20), "web-ip to fail back to d0 after 10 replies");
    }

    [NetnsFact]
    public async Task Manual_failback_keeps_the_address_visiting_until_switch_and_sends_it_home_when_the_visited_interface_fails()
    {
        using var lab = Lab(failback: "manual");
        await Running(lab, "h1");

        lab.Net.CutCarrier("h1", "d0");
        await lab.WaitUntil(() => lab.WebIpOn("h1") == "d1", Soon, "web-ip to move to d1");
        lab.Net.RestoreCarrier("h1", "d0");
        await lab.WaitUntil(() => lab.InterfaceState("h1", "d0") == "repaired", Soon, "d0 to be repaired");
        await Task.Delay(1000);
        Assert.Equal("d1", lab.WebIpOn("h1")); // manual: still visiting

        var (code, output) = lab.Cli("h1", "ip", "switch", "public");
        Assert.True(code == 0, output);
        Assert.Equal("d0", lab.WebIpOn("h1"));
        await lab.WaitUntil(lab.ClientReaches, Soon, "the client to reach web-ip at home");

        lab.Net.CutCarrier("h1", "d0");
        await lab.WaitUntil(() => lab.WebIpOn("h1") == "d1", Soon, "web-ip to move to d1 again");
        lab.Net.RestoreCarrier("h1", "d0");
        await lab.WaitUntil(() => lab.InterfaceState("h1", "d0") == "repaired", Soon, "d0 to be repaired again");
        lab.Net.CutCarrier("h1", "d1"); // the visited interface fails: home is up, so it goes home
        await lab.WaitUntil(() => lab.WebIpOn("h1") == "d0", Soon, "web-ip to go home when d1 fails");
        await lab.WaitUntil(lab.ClientReaches, Soon, "the client to reach web-ip at home");
    }

    [NetnsFact]
    public async Task Stay_failback_makes_the_backup_the_new_home_also_after_an_agent_restart()
    {
        using var lab = Lab(failback: "stay");
        await Running(lab, "h1");

        lab.Net.CutCarrier("h1", "d0");
        await lab.WaitUntil(() => lab.WebIpOn("h1") == "d1", Soon, "web-ip to move to d1");
        lab.Net.RestoreCarrier("h1", "d0");
        await lab.WaitUntil(() => lab.InterfaceState("h1", "d0") == "ok", Soon, "d0 to be repaired");
        await Task.Delay(1000);
        Assert.Equal("d1", lab.WebIpOn("h1"));
        Assert.Contains("\"d1\"", File.ReadAllText(Path.Combine(lab.DataDir("h1"), "interfaces", "public.json")), StringComparison.Ordinal);

        // The agent dies and the address goes with the host's state (as after a reboot): only the persisted home
        // can bring it back on d1 rather than on d0, the first interface of the group.
        lab.Stop("h1", kill: true);
        lab.Net.Ip("h1", "addr", "del", IpLab.Address + "/24", "dev", "d1");
        Assert.Empty(await lab.KernelHasAddressOn("h1"));
        lab.Start("h1");
        await lab.WaitUntil(() => lab.WebIpOn("h1") == "d1", Start, "web-ip to come up on d1, its new home");
        Assert.Equal(["d1"], await lab.KernelHasAddressOn("h1"));
    }

    [NetnsFact]
    public async Task When_every_interface_of_the_group_fails_no_address_moves()
    {
        using var lab = Lab();
        await Running(lab, "h1");

        lab.Net.CutCarrier("h1", "d1");
        await lab.WaitUntil(() => lab.InterfaceState("h1", "d1") == "failed", Soon, "d1 to fail");
        lab.Net.CutCarrier("h1", "d0");
        await lab.WaitUntil(() => lab.Group("h1")?.GetProperty("state").GetString() == "failed", Soon, "the group to fail");
        Assert.DoesNotContain("d1", await lab.KernelHasAddressOn("h1"));
        var events = await lab.Events("h1");
        Assert.Contains("interface_group_failed", await Task.Run(() => lab.Cli("h1", "events", "--json", "--limit", "200").Output), StringComparison.Ordinal);
        Assert.DoesNotContain("moved from d0", events, StringComparison.Ordinal);
    }

    [NetnsFact]
    public async Task When_all_probe_targets_go_silent_nothing_fails_over_and_targets_are_rediscovered()
    {
        using var lab = Lab(fdt: "1s");
        // Both interfaces route through the router, so both probe it (and only it).
        await lab.Net.ExecAsync("h1", "ip", "route", "add", "default", "via", "10.50.0.1", "dev", "d1", "metric", "100");
        await Running(lab, "h1");
        await lab.WaitUntil(() => ProbesAnswered(lab, "h1"), Soon, "probes to be answered on d0 and d1");

        lab.Net.SetRouterUp(false);
        await lab.WaitUntil(async () => (await lab.Events("h1")).Contains("flushed", StringComparison.Ordinal), Soon, "the targets to be flushed");
        await lab.WaitUntil(() => Targets(lab, "h1", "d0").Contains("10.50.0.200"), Soon, "the client to be found by the all-hosts echo");
        await Task.Delay(2500); // several probe intervals with the new targets
        Assert.Equal("d0", lab.WebIpOn("h1"));
        Assert.Equal("ok", lab.InterfaceState("h1", "d0"));
        Assert.DoesNotContain("moved from d0", await lab.Events("h1"), StringComparison.Ordinal);
    }

    [NetnsFact]
    public async Task Lkipbu_style_backup_and_move_commands_refuse_clearly_and_move_verified()
    {
        using var lab = Lab(backups: "none");
        await Running(lab, "h1");

        AssertRefused(lab.Cli("h1", "ip", "move", "web-ip"), "no backup interface");
        AssertDone(lab.Cli("h1", "ip", "backup", "add", "web-ip", "d1"));
        AssertRefused(lab.Cli("h1", "ip", "backup", "add", "web-ip", "d1"), "already has backup interface d1");
        AssertRefused(lab.Cli("h1", "ip", "backup", "remove", "web-ip", "d0"), "not the backup of web-ip");
        AssertRefused(lab.Cli("h1", "ip", "move", "nosuch"), "no resource or interface group named nosuch");

        AssertDone(lab.Cli("h1", "ip", "move", "web-ip"));
        Assert.Equal("d1", lab.WebIpOn("h1"));
        await lab.WaitUntil(lab.ClientReaches, Soon, "the client to reach web-ip on d1");
        await Task.Delay(1000);
        Assert.Equal("d1", lab.WebIpOn("h1")); // auto failback does not undo an operator's move
        var status = lab.Cli("h1", "ip", "status");
        Assert.Contains("d1 (visiting)", status.Output, StringComparison.Ordinal);

        AssertDone(lab.Cli("h1", "ip", "switch", "web-ip"));
        Assert.Equal("d0", lab.WebIpOn("h1"));
        AssertDone(lab.Cli("h1", "ip", "backup", "remove", "web-ip", "d1"));
        AssertRefused(lab.Cli("h1", "ip", "move", "web-ip"), "no backup interface");
    }

    [NetnsFact]
    public async Task LifeKeeper_recovery_re_adds_in_place_then_fails_the_group_over_to_the_second_host()
    {
        using var lab = Lab(hosts: 2);
        lab.Start("h1");
        lab.Start("h2");
        await lab.WaitUntil(() => lab.WebIpOn("h1") == "d0", Start, "web-ip to run on h1 d0");
        await lab.WaitUntil(lab.ClientReaches, Soon, "the client to reach web-ip on h1");

        // 1. The address disappears: the monitor re-establishes it on its current interface.
        lab.Net.Ip("h1", "addr", "del", IpLab.Address + "/24", "dev", "d0");
        await lab.WaitUntil(async () => (await lab.Events("h1")).Contains("web-ip re-established on d0", StringComparison.Ordinal),
            TimeSpan.FromSeconds(25), "the monitor to re-establish web-ip on d0");
        Assert.Equal(["d0"], await lab.KernelHasAddressOn("h1"));

        // 2. Both interfaces lose their carrier: re-adding fails, the backup fails, the group fails over to h2.
        lab.Net.CutCarrier("h1", "d0");
        lab.Net.CutCarrier("h1", "d1");
        await lab.WaitUntil(() => lab.WebIpOn("h2") == "d0", TimeSpan.FromSeconds(40), "web-ip to run on h2");
        await lab.WaitUntil(lab.ClientReaches, Soon, "the client to reach web-ip on h2");
        Assert.Empty(await lab.KernelHasAddressOn("h1"));
    }

    private static IpLab Lab(string failback = "auto", string backups = "config", int hosts = 1, string fdt = "1s") =>
        IpLab.Create(out var why, failback, backups, hosts, fdt) ?? throw new InvalidOperationException(why);

    private static async Task Running(IpLab lab, string host)
    {
        lab.Start(host);
        await lab.WaitUntil(() => lab.WebIpOn(host) == "d0", Start, $"web-ip to run on {host} d0");
        await lab.WaitUntil(lab.ClientReaches, Soon, "the client to reach web-ip");
    }

    private static bool ProbesAnswered(IpLab lab, string host) =>
        lab.Group(host) is { } g && g.GetProperty("interfaces").EnumerateArray()
            .All(i => i.GetProperty("probes").GetProperty("reply_streak").GetInt32() >= 3);

    private static List<string> Targets(IpLab lab, string host, string iface) =>
        lab.Group(host)?.GetProperty("interfaces").EnumerateArray().First(i => i.GetProperty("name").GetString() == iface)
            .GetProperty("targets").EnumerateArray().Select(t => t.GetString()!).ToList() ?? [];

    private static void AssertDone((int Code, string Output) result) => Assert.True(result.Code == 0, result.Output);

    private static void AssertRefused((int Code, string Output) result, string why)
    {
        Assert.True(result.Code == 1, $"exit {result.Code}: {result.Output}");
        Assert.Contains(why, result.Output, StringComparison.Ordinal);
    }
}
