using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Vigil.Agent.Tests.Cluster;
using Vigil.Agent.Tests.Network;
using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Interfaces;

/// <summary>
/// Real `vigil agent` processes inside the hosts of a <see cref="NetnsLab"/> (h1, h2: data interfaces d0 and d1 on
/// 10.50.0.0/24, management m0 on 10.60.0.0/24 for the cluster's own traffic), with an ip_address resource
/// `web-ip` (10.50.0.100/24) in group `ipgroup` over interface group `public`. The CLI runs inside the host's
/// namespace too (the API listens on that namespace's loopback). Everything is killed and removed on dispose.
/// </summary>
internal sealed class IpLab : IDisposable
{
    public const string Address = "10.50.0.100";
    private static readonly string Vigil = typeof(global::Vigil.Cli.Program).Assembly.Location;
    private readonly Dictionary<string, Process> agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StringBuilder> logs = new(StringComparer.Ordinal);

    private IpLab(NetnsLab lab, IReadOnlyList<string> hosts, string failback, string backups, string fdt, string targets)
    {
        Net = lab;
        Hosts = hosts;
        Dir = Directory.CreateTempSubdirectory("vigil-iplab-").FullName;
        File.WriteAllText(Path.Combine(Dir, "cluster.key"), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        File.WriteAllText(Path.Combine(Dir, "fence-ok"), "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(Path.Combine(Dir, "fence-ok"), (UnixFileMode)0b111_101_101);
        var nodes = hosts.Select((h, i) =>
            $"  - {{ name: {h}, addresses: {{ mgmt: 10.60.0.{i + 1}:7400 }}, api: 127.0.0.1:{7501 + i}, fence: {{ device: fencer, port: {h} }} }}");
        var groups = hosts.Select((h, i) => $$"""
              - name: public
                node: {{h}}
                interfaces:
                  - { name: d0, test_address: 10.50.0.{{10 * (i + 1) + 1}}/24{{(backups == "config" ? ", backup: d1" : "")}} }
                  - { name: d1, test_address: 10.50.0.{{10 * (i + 1) + 2}}/24{{(backups == "config" ? ", backup: d0" : "")}} }
                detection: { link: true, probes: true, failure_detection_time: {{fdt}}, targets: {{targets}} }
                failback: {{failback}}
            """);
        File.WriteAllText(ConfigPath, $$"""
            cluster:
              name: iplab
              id: 77
              key_file: cluster.key
              timing: { heartbeat_interval: 100ms, dead_after: 5 }
            networks: [ { name: mgmt } ]
            nodes:
            {{string.Join("\n", nodes)}}
            fence_devices:
              - { name: fencer, agent: script, params: { command: fence-ok, timeout: 5s } }
            resources:
              - { name: web-ip, type: ip_address, params: { address: {{Address}}/24, interface_group: public } }
            failover_policies:
              - { name: ip-policy, domain: [{{string.Join(", ", hosts)}}], script: ordered, failback: controlled }
            resource_groups:
              - { name: ipgroup, resources: [web-ip], policy: ip-policy }
            interface_groups:
            {{string.Join("\n", groups)}}
            """);
    }

    /// <summary>A lab with agents configured (not started), or null and why namespaces cannot be made here.</summary>
    public static IpLab? Create(out string whyNot, string failback = "auto", string backups = "config", int hosts = 1,
        string fdt = "1s", string targets = "auto")
    {
        var lab = NetnsLab.TryCreate(out whyNot);
        return lab is null ? null : new IpLab(lab, Enumerable.Range(1, hosts).Select(i => $"h{i}").ToList(), failback, backups, fdt, targets);
    }

    public NetnsLab Net { get; }

    public IReadOnlyList<string> Hosts { get; }

    public string Dir { get; }

    public string ConfigPath => Path.Combine(Dir, "cluster.yaml");

    public string DataDir(string host) => Path.Combine(Dir, "data", host);

    public void Start(string host)
    {
        var start = Net.StartInfo(host, "dotnet", Vigil, "agent", "--config", ConfigPath, "--node", host);
        start.WorkingDirectory = Dir;
        agents[host] = AgentCluster.StartLogged(start, logs.TryGetValue(host, out var existing) ? existing : logs[host] = new StringBuilder());
    }

    /// <summary>Stops an agent: SIGTERM (clean, its groups stop) or SIGKILL.</summary>
    public void Stop(string host, bool kill = false)
    {
        if (!agents.Remove(host, out var p)) return;
        try
        {
            if (kill) p.Kill();
            else Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit(5000);
            if (!p.WaitForExit(15_000)) p.Kill();
        }
        catch (InvalidOperationException)
        {
        }
    }

    public string Log(string host)
    {
        if (!logs.TryGetValue(host, out var log)) return "";
        lock (log) return log.ToString();
    }

    public string AllLogs() => string.Join("\n", logs.Keys.Select(h => $"==== {h}\n{Log(h)}"));

    /// <summary>Runs `vigil ARGS --api … [--token-file …]` inside the host's namespace.</summary>
    public (int Code, string Output) Cli(string host, params string[] args)
    {
        var index = Hosts.ToList().IndexOf(host);
        var all = new List<string> { Vigil };
        all.AddRange(args);
        all.AddRange(["--api", $"127.0.0.1:{7501 + index}"]);
        if (args[0] == "ip" && args[1] != "status") all.AddRange(["--token-file", Path.Combine(DataDir(host), "api.token")]);
        return VigilCli.Capture(Net.StartInfo(host, "dotnet", [.. all]));
    }

    /// <summary>The `public` group of `vigil ip status --json` on the host, or null while the agent does not answer.</summary>
    public JsonElement? Group(string host)
    {
        var (code, output) = Cli(host, "ip", "status", "--json");
        if (code != 0) return null;
        try
        {
            var root = JsonDocument.Parse(output).RootElement;
            var groups = root.GetProperty("groups");
            return groups.GetArrayLength() == 0 ? null : groups[0].Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Where web-ip is on the host ("d0", "d1"), or null.</summary>
    public string? WebIpOn(string host) =>
        Group(host) is { } g && g.GetProperty("addresses").EnumerateArray().FirstOrDefault(a => a.GetProperty("resource").GetString() == "web-ip") is
        { ValueKind: JsonValueKind.Object } a && a.GetProperty("state").GetString() == "placed"
            ? a.GetProperty("current").GetString()
            : null;

    public string? InterfaceState(string host, string iface) =>
        Group(host)?.GetProperty("interfaces").EnumerateArray().First(i => i.GetProperty("name").GetString() == iface).GetProperty("state").GetString();

    /// <summary>Which interfaces of the host carry the address right now (from the kernel).</summary>
    public async Task<List<string>> KernelHasAddressOn(string host)
    {
        var found = new List<string>();
        foreach (var iface in new[] { "d0", "d1" })
            if ((await Net.ExecAsync(host, "ip", "-o", "addr", "show", "dev", iface)).Out.Contains(Address + "/", StringComparison.Ordinal))
                found.Add(iface);
        return found;
    }

    /// <summary>One ping from the client to the address (1 s).</summary>
    public async Task<bool> ClientReaches() =>
        (await Net.ExecAsync("c", "ping", "-c", "1", "-W", "1", Address)).Code == 0;

    public async Task<string> Events(string host) => string.Join("\n", (await Task.Run(() => Cli(host, "events", "--limit", "200"))).Output);

    /// <summary>Polls until the condition holds; fails with every agent's log after the timeout.</summary>
    public async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds}s waiting for: {what}\n{AllLogs()}");
    }

    public Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what) => WaitUntil(() => Task.FromResult(condition()), timeout, what);

    public void Dispose()
    {
        foreach (var host in agents.Keys.ToList()) Stop(host, kill: true);
        Net.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
