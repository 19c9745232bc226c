using System.Runtime.Versioning;
using Vigil.Cli.Agent.Execution.Ocf;
using Vigil.Cli.Commands;
using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Agent.Tests.Execution;

/// <summary>
/// The real agents of resource-agents (/usr/lib/ocf): Dummy's lifecycle, ethmonitor through the attrd_updater
/// shim, IPaddr2's meta-data, and `vigil validate` on OCF resources. These fail, saying what to install, when
/// resource-agents is missing.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class OcfRealAgentTests : IDisposable
{
    private readonly OcfSandbox box = new();

    public OcfRealAgentTests() => OcfSandbox.RequireResourceAgents();

    public void Dispose() => box.Dispose();

    [Fact]
    public async Task Dummy_starts_monitors_and_stops()
    {
        Task<Vigil.Cli.Agent.Execution.ActionOutcome> Run(ResourceAction action) =>
            box.RunAsync("ocf:heartbeat:Dummy", action, ocfRoot: OcfAgent.StandardRoot, resource: "dummy1");
        var state = Path.Combine(box.Settings.RunDir, "rsctmp", "Dummy-dummy1.state");

        Assert.Equal(ActionResult.NotRunning, (await Run(ResourceAction.Exclusive)).Result);
        var start = await Run(ResourceAction.Start);
        Assert.True(start.Result == ActionResult.Success, start.Detail + "\n" + start.Output);
        Assert.True(File.Exists(state), $"no state file {state}");
        Assert.Equal(ActionResult.Running, (await Run(ResourceAction.Monitor)).Result);
        Assert.Equal(ActionResult.Success, (await Run(ResourceAction.Stop)).Result);
        Assert.False(File.Exists(state));
        Assert.Equal(ActionResult.NotRunning, (await Run(ResourceAction.Monitor)).Result);
        Assert.Equal(ActionResult.Success, (await Run(ResourceAction.Stop)).Result); // stopping what is stopped succeeds
    }

    [Fact]
    public async Task Ethmonitor_on_lo_sets_its_attribute_through_the_attrd_updater_shim()
    {
        Assert.True(File.Exists("/usr/bin/arping") || File.Exists("/usr/sbin/arping"),
            "ethmonitor needs arping: install iputils-arping (apt-get install iputils-arping)");
        var parameters = new Dictionary<string, string> { ["interface"] = "lo", ["repeat_count"] = "1", ["link_status_only"] = "true" };
        var attribute = PacemakerShims.TransientAttributePath(box.Settings.RunDir, "n1", "ethmonitor-lo");

        var start = await box.RunAsync("ocf:heartbeat:ethmonitor", ResourceAction.Start, parameters, ocfRoot: OcfAgent.StandardRoot);
        Assert.True(start.Result == ActionResult.Success, start.Detail + "\n" + start.Output);
        Assert.Equal("1", File.ReadAllText(attribute));
        File.WriteAllText(attribute, "stale");
        var monitor = await box.RunAsync("ocf:heartbeat:ethmonitor", ResourceAction.Monitor, parameters, ocfRoot: OcfAgent.StandardRoot);
        Assert.True(monitor.Result == ActionResult.Running, monitor.Detail + "\n" + monitor.Output);
        Assert.Equal("1", File.ReadAllText(attribute));
        var stop = await box.RunAsync("ocf:heartbeat:ethmonitor", ResourceAction.Stop, parameters, ocfRoot: OcfAgent.StandardRoot);
        Assert.True(stop.Result == ActionResult.Success, stop.Detail + "\n" + stop.Output);
        Assert.False(File.Exists(attribute)); // attrd_updater -D
    }

    [Fact]
    public void IPaddr2_meta_data_requires_ip_and_suggests_timeouts()
    {
        var (metadata, error) = OcfMetadata.Load(OcfAgent.Parse("ocf:heartbeat:IPaddr2", OcfAgent.StandardRoot)!);
        Assert.True(metadata is not null, error);
        Assert.Equal("IPaddr2", metadata.Name);
        var ip = Assert.Single(metadata.Parameters, p => p.Name == "ip");
        Assert.True(ip.Required);
        Assert.True(ip.Unique);
        Assert.Equal("string", ip.ContentType);
        Assert.False(Assert.Single(metadata.Parameters, p => p.Name == "nic").Required);
        Assert.Equal(TimeSpan.FromSeconds(20), metadata.DefaultTimeout("start"));
        Assert.Equal(TimeSpan.FromSeconds(10), Assert.Single(metadata.Actions, a => a.Name == "monitor").Interval);
    }

    [Fact]
    public void Check_catches_a_missing_required_param_and_a_misspelt_one()
    {
        var problems = OcfMetadata.Problems("vip", "ocf:heartbeat:IPaddr2",
            new Dictionary<string, string> { ["ipp"] = "10.0.0.5", ["cidr_netmask"] = "24" }, OcfAgent.StandardRoot);
        Assert.Equal(2, problems.Count);
        Assert.Equal("resource vip: ocf:heartbeat:IPaddr2 requires param 'ip'", problems[0].Message);
        Assert.StartsWith("resource vip: ocf:heartbeat:IPaddr2 has no param 'ipp'; did you mean 'ip'? (params: ip, nic, cidr_netmask, ",
            problems[1].Message, StringComparison.Ordinal);
        Assert.EndsWith(", …)", problems[1].Message, StringComparison.Ordinal);
        Assert.Empty(OcfMetadata.Check("vip", "ocf:heartbeat:IPaddr2", new Dictionary<string, string> { ["ip"] = "10.0.0.5", ["trace_ra"] = "1" }));
    }

    [Fact]
    public void Validate_reports_param_mistakes_located_and_fails()
    {
        var file = Write("""
            cluster: { name: c, id: 1 }
            networks: [ { name: net } ]
            nodes: [ { name: n1, addresses: { net: 10.0.0.1:7400 } } ]
            resources:
              - name: vip
                type: "ocf:heartbeat:IPaddr2"
                params:
                  ipp: 10.0.0.5
              - { name: state, type: "ocf:heartbeat:Dummy" }
            failover_policies: [ { name: p, domain: [n1] } ]
            resource_groups: [ { name: g, resources: [vip, state], policy: p } ]
            """);
        var (exit, stdout, stderr) = Validate(file);
        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Equal(2, stderr.Length);
        Assert.Equal($"{file}:6:11: resource vip: ocf:heartbeat:IPaddr2 requires param 'ip'", stderr[0]);
        Assert.StartsWith($"{file}:8:7: resource vip: ocf:heartbeat:IPaddr2 has no param 'ipp'; did you mean 'ip'?", stderr[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_only_warns_about_an_agent_not_installed_on_this_host()
    {
        var file = Write("""
            cluster: { name: c, id: 1 }
            networks: [ { name: net } ]
            nodes: [ { name: n1, addresses: { net: 10.0.0.1:7400 } } ]
            resources: [ { name: db, type: "ocf:acme:NoSuchAgent", params: { x: "1" } } ]
            failover_policies: [ { name: p, domain: [n1] } ]
            resource_groups: [ { name: g, resources: [db], policy: p } ]
            """);
        var (exit, stdout, stderr) = Validate(file);
        Assert.Equal(0, exit);
        Assert.Equal(["c: valid — 1 node, 1 resource in 1 group, 1 policy"], stdout);
        Assert.Equal([$"{file}:4:32: warning: resource db: OCF agent ocf:acme:NoSuchAgent not installed (no /usr/lib/ocf/resource.d/acme/NoSuchAgent)"], stderr);
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(box.Root, "cluster.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static (int Exit, string[] Stdout, string[] Stderr) Validate(string file)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = ValidateCommand.Run(new FileInfo(file), json: false, stdout, stderr);
        static string[] Lines(StringWriter w) => w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (exit, Lines(stdout), Lines(stderr));
    }
}
