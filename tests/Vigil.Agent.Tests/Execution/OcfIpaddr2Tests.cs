using System.Diagnostics;
using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Agent.Tests.Execution;

/// <summary>
/// The real ocf:heartbeat:IPaddr2 run unchanged through the OCF backend (its environment and Pacemaker tool
/// shims), inside a network namespace this test creates: the fake OCF root's IPaddr2 only enters the namespace
/// and execs the installed agent.
/// </summary>
public sealed class OcfIpaddr2Tests : IDisposable
{
    private readonly OcfSandbox box = new();
    private readonly string ns = "vigil-ipaddr2-" + Guid.NewGuid().ToString("N")[..8];

    public OcfIpaddr2Tests()
    {
        OcfSandbox.RequireResourceAgents();
        Ip($"netns add {ns}");
        try
        {
            Ip($"-n {ns} link set lo up");
            Ip($"-n {ns} link add d0 type veth peer name d1"); // both ends inside the namespace
            Ip($"-n {ns} link set d0 up");
            Ip($"-n {ns} link set d1 up");
            Ip($"-n {ns} addr add 10.77.0.1/24 dev d0");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    [Fact]
    public async Task IPaddr2_adds_monitors_and_removes_its_address()
    {
        box.AddAgent("IPaddr2", $"""
            export OCF_ROOT=/usr/lib/ocf
            exec ip netns exec {ns} /usr/lib/ocf/resource.d/heartbeat/IPaddr2 "$@"
            """);
        var parameters = new Dictionary<string, string> { ["ip"] = "10.77.0.50", ["cidr_netmask"] = "24", ["nic"] = "d0" };

        Assert.Equal(ActionResult.NotRunning, (await box.RunAsync("ocf:test:IPaddr2", ResourceAction.Exclusive, parameters)).Result);
        var start = await box.RunAsync("ocf:test:IPaddr2", ResourceAction.Start, parameters);
        Assert.True(start.Result == ActionResult.Success, start.Detail + "\n" + start.Output);
        Assert.Contains("10.77.0.50/24", Ip($"-n {ns} addr show dev d0"), StringComparison.Ordinal);
        Assert.Equal(ActionResult.Running, (await box.RunAsync("ocf:test:IPaddr2", ResourceAction.Monitor, parameters)).Result);

        Ip($"-n {ns} addr del 10.77.0.50/24 dev d0"); // someone removed it: the monitor must say so
        Assert.Equal(ActionResult.NotRunning, (await box.RunAsync("ocf:test:IPaddr2", ResourceAction.Monitor, parameters)).Result);
        Assert.Equal(ActionResult.Success, (await box.RunAsync("ocf:test:IPaddr2", ResourceAction.Start, parameters)).Result);
        Assert.Equal(ActionResult.Success, (await box.RunAsync("ocf:test:IPaddr2", ResourceAction.Stop, parameters)).Result);
        Assert.DoesNotContain("10.77.0.50", Ip($"-n {ns} addr show dev d0"), StringComparison.Ordinal);
        Assert.Equal(ActionResult.NotRunning, (await box.RunAsync("ocf:test:IPaddr2", ResourceAction.Monitor, parameters)).Result);
    }

    private static string Ip(string arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments.Split(' ')) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ip {arguments}: {output}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            Ip($"netns del {ns}");
        }
        catch (Xunit.Sdk.XunitException)
        {
            // already gone
        }
        box.Dispose();
    }
}
