using System.Net;
using Vigil.Cli.Agent.Network;

namespace Vigil.Agent.Tests.Network;

/// <summary>TargetDiscovery on host h1: routers from the routing table, hosts from an all-hosts echo.</summary>
public sealed class TargetDiscoveryTests
{
    private static readonly IPAddress Router = IPAddress.Parse("10.50.0.1");
    private static readonly IPAddress Client = IPAddress.Parse("10.50.0.200");

    [NetnsFact]
    public async Task Routers_are_the_gateways_of_the_interfaces_routes()
    {
        using var lab = NetnsLab.Create();
        Assert.Equal([Router], await lab.RunInAsync("h1", () => TargetDiscovery.Routers("d0")));
        Assert.Empty(await lab.RunInAsync("h1", () => TargetDiscovery.Routers("d1")));
        lab.Ip("h1", "route", "add", "192.0.2.0/24", "via", "10.60.0.2", "dev", "m0");
        lab.Ip("h1", "-6", "addr", "add", "fd50::11/64", "dev", "d1", "nodad");
        lab.Ip("h1", "-6", "route", "add", "2001:db8::/32", "via", "fd50::1", "dev", "d1");
        Assert.Equal([IPAddress.Parse("10.60.0.2")], await lab.RunInAsync("h1", () => TargetDiscovery.Routers("m0")));
        Assert.Equal([IPAddress.Parse("fd50::1")], await lab.RunInAsync("h1", () => TargetDiscovery.Routers("d1")));
    }

    [NetnsFact]
    public async Task All_hosts_echo_finds_the_hosts_that_answer_but_not_this_one()
    {
        using var lab = NetnsLab.Create();
        var found = await lab.RunInAsync("h1", () => TargetDiscovery.AllHostsEchoAsync("d0", IPAddress.Parse("10.50.0.11"), 5, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Contains(Router, found);
        Assert.Contains(Client, found);
        Assert.Equal(2, found.Count); // h1 and h2 ignore broadcast echoes (the Linux default)

        var one = await lab.RunInAsync("h1", () => TargetDiscovery.AllHostsEchoAsync("d1", IPAddress.Parse("10.50.0.12"), 1, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Single(one);

        lab.SetRouterUp(false);
        var withoutRouter = await lab.RunInAsync("h1", () => TargetDiscovery.AllHostsEchoAsync("d0", IPAddress.Parse("10.50.0.11"), 5, TimeSpan.FromMilliseconds(500), CancellationToken.None));
        Assert.Equal([Client], withoutRouter);

        Assert.Empty(await lab.RunInAsync("h1", () => TargetDiscovery.AllHostsEchoAsync("d0", IPAddress.Parse("10.50.0.99"), 5, TimeSpan.FromMilliseconds(200), CancellationToken.None)));
        Assert.Empty(lab.ThreadsInside());
    }

    [NetnsFact]
    public async Task All_hosts_echo_works_over_IPv6()
    {
        using var lab = NetnsLab.Create();
        lab.Ip("c", "-6", "addr", "add", "fd50::200/64", "dev", "e0", "nodad");
        lab.Ip("h1", "-6", "addr", "add", "fd50::11/64", "dev", "d0", "nodad");
        var found = await lab.RunInAsync("h1", () => TargetDiscovery.AllHostsEchoAsync("d0", IPAddress.Parse("fd50::11"), 10, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Contains(IPAddress.Parse("fd50::200"), found);
        Assert.DoesNotContain(IPAddress.Parse("fd50::11"), found);
    }
}
