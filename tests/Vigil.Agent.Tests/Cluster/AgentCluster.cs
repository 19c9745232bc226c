using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Vigil.Testing.Cluster;

/// <summary>
/// A real cluster of `vigil agent` processes on loopback, in a temp directory of its own: generated
/// cluster.yaml (distinct free ports), key file, the marker test resource and the kill-agent fence script
/// copied from examples/local-3. Kills every process and deletes the directory on dispose, also when a test failed.
/// </summary>
/// Shared with bench/Vigil.AgentBench (linked source), so it does not depend on xunit.
internal sealed class AgentCluster : IDisposable
{
    private static readonly string Vigil = typeof(global::Vigil.Cli.Program).Assembly.Location;
    private readonly Dictionary<string, Process> processes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StringBuilder> logs = new(StringComparer.Ordinal);
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <param name="workload">YAML replacing the default resource_types, resources, failover_policies and
    /// resource_groups (the marker resource `web` in `webgroup`); it may use "{domain}" for the node list.</param>
    /// <param name="fenceDevice">YAML flow map replacing the fence device every node uses; it must be named "fencer".</param>
    /// <param name="extraConfig">YAML appended at the end (top-level keys).</param>
    /// <param name="spareNodes">Nodes n{nodes+1}… not in cluster.yaml, with ports of their own, for adding later
    /// (<see cref="YamlWith"/>); their API ports are in <see cref="Api"/>.</param>
    public AgentCluster(int nodes, string heartbeat = "100ms", int deadAfter = 5, string extraNodes = "", string? group = null,
        string? workload = null, string? fenceDevice = null, string extraConfig = "", int spareNodes = 0)
    {
        Dir = Directory.CreateTempSubdirectory("vigil-cluster-").FullName;
        Names = Enumerable.Range(1, nodes).Select(i => $"n{i}").ToList();
        var all = Enumerable.Range(1, nodes + spareNodes).Select(i => $"n{i}").ToList();
        var ports = global::Vigil.Cli.Demo.LoopbackPorts.Free(all.Count * 3);
        var examples = Path.Combine(RepoRoot(), "examples", "local-3");
        Directory.CreateDirectory(Path.Combine(Dir, "actions"));
        File.Copy(Path.Combine(examples, "actions", "marker"), Path.Combine(Dir, "actions", "marker"));
        File.Copy(Path.Combine(examples, "fence-kill-agent"), Path.Combine(Dir, "fence-kill-agent"));
        File.WriteAllText(Path.Combine(Dir, "cluster.key"), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        nodeLines = all.Select((n, i) =>
            $"  - {{ name: {n}, addresses: {{ ring0: 127.0.0.1:{ports[3 * i]}, ring1: 127.0.0.1:{ports[3 * i + 1]} }}, api: 127.0.0.1:{ports[3 * i + 2]}, fence: {{ device: fencer, port: {n} }} }}")
            .ToList();
        Api = all.Select((n, i) => (n, ports[3 * i + 2])).ToDictionary(p => p.n, p => p.Item2, StringComparer.Ordinal);
        Yaml = $$"""
            cluster:
              name: itest
              id: 42
              key_file: cluster.key
              timing: { heartbeat_interval: {{heartbeat}}, dead_after: {{deadAfter}} }
            networks: [ { name: ring0 }, { name: ring1 } ]
            nodes:
            {{string.Join("\n", nodeLines.Take(nodes))}}
            {{extraNodes}}
            fence_devices:
              - {{fenceDevice ?? "{ name: fencer, agent: script, params: { command: fence-kill-agent, timeout: 10s } }"}}
            {{(workload ?? DefaultWorkload).Replace("{domain}", group ?? string.Join(", ", Names))}}
            {{extraConfig}}
            """;
        File.WriteAllText(ConfigPath, Yaml);
    }

    /// <summary>The marker test resource `web` in `webgroup`, failback auto, over "{domain}".</summary>
    public const string DefaultWorkload = """
        resource_types:
          - name: marker
            actions: { exclusive: actions/marker, start: actions/marker, stop: actions/marker, monitor: actions/marker }
            timeouts: { start: 5s, stop: 5s, monitor: 5s, exclusive: 5s }
            monitor_interval: 1s
        resources: [ { name: web, type: marker } ]
        failover_policies:
          - { name: web-policy, domain: [{domain}], script: ordered, failback: auto }
        resource_groups:
          - { name: webgroup, resources: [web], policy: web-policy }
        """;

    private readonly List<string> nodeLines;

    public string Dir { get; }

    /// <summary>Environment variables for agents started from now on.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// <see cref="Yaml"/> with exactly the given nodes (those of cluster.yaml and spare ones), in name order, and
    /// <paramref name="comment"/> as a last line (a new config text with the same meaning).
    /// </summary>
    public string YamlWith(IEnumerable<string> nodes, string comment = "")
    {
        var wanted = nodes.ToHashSet(StringComparer.Ordinal);
        var lines = nodeLines.Where(l => wanted.Contains(l.Split(',')[0].Split("name: ")[1])).ToList();
        if (lines.Count != wanted.Count) throw new ArgumentException("unknown node in " + string.Join(", ", wanted), nameof(nodes));
        return Yaml.Replace(string.Join("\n", nodeLines.Take(Names.Count)), string.Join("\n", lines), StringComparison.Ordinal)
            + (comment.Length > 0 ? $"\n# {comment}\n" : "");
    }

    public List<string> Names { get; }

    public Dictionary<string, int> Api { get; }

    public string Yaml { get; }

    public string ConfigPath => Path.Combine(Dir, "cluster.yaml");

    public string DataDir(string node) => Path.Combine(Dir, "data", node);

    /// <summary>Whether the node's marker says the test resource runs there.</summary>
    public bool Runs(string node) => File.Exists(Path.Combine(DataDir(node), "run", "web.running"));

    public void StartAll()
    {
        foreach (var name in Names) Start(name);
    }

    public void Start(string node, string? configPath = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Dir,
        };
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        foreach (var a in new[] { Vigil, "agent", "--config", configPath ?? ConfigPath, "--node", node }) start.ArgumentList.Add(a);
        processes[node] = StartLogged(start, logs.TryGetValue(node, out var existing) ? existing : logs[node] = new StringBuilder());
    }

    /// <summary>Starts an agent process whose stdout and stderr lines are appended to <paramref name="log"/> (locked).</summary>
    internal static Process StartLogged(ProcessStartInfo start, StringBuilder log)
    {
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    public void Kill(string node)
    {
        if (!processes.Remove(node, out var p)) return;
        try
        {
            p.Kill();
            p.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public bool IsRunning(string node) => processes.TryGetValue(node, out var p) && !p.HasExited;

    public int? ExitCode(string node) => processes.TryGetValue(node, out var p) && p.HasExited ? p.ExitCode : null;

    public string Log(string node)
    {
        if (!logs.TryGetValue(node, out var log)) return "";
        lock (log) return log.ToString();
    }

    public string AllLogs() => string.Join("\n", logs.Keys.Order(StringComparer.Ordinal).Select(n => $"==== {n}\n{Log(n)}"));

    /// <summary>GET /v1/status of a node, or null when it does not answer.</summary>
    public JsonElement? Status(string node)
    {
        try
        {
            var text = http.GetStringAsync($"http://127.0.0.1:{Api[node]}/v1/status").GetAwaiter().GetResult();
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The node's status, retried for a while (the API may be busy); throws with every log when it never answers.</summary>
    public JsonElement MustStatus(string node)
    {
        JsonElement? status = null;
        WaitUntil(() => (status = Status(node)) is not null, TimeSpan.FromSeconds(15), $"{node}'s API to answer");
        return status!.Value;
    }

    public string? Leader(string node) =>
        Status(node) is { } s && s.GetProperty("leader").ValueKind == JsonValueKind.String ? s.GetProperty("leader").GetString() : null;

    /// <summary>(state, node) of webgroup as the node's status shows it.</summary>
    public (string? State, string? Node) Group(string node) =>
        Status(node) is { } s && s.GetProperty("groups")[0] is var g
            ? (g.GetProperty("state").GetString(), g.GetProperty("node").ValueKind == JsonValueKind.String ? g.GetProperty("node").GetString() : null)
            : (null, null);

    /// <summary>Polls until the condition holds; fails with every agent's log after the timeout.</summary>
    public void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (condition()) return;
            Thread.Sleep(50);
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds}s waiting for: {what}\n{AllLogs()}");
    }

    /// <summary>The leader all live nodes agree on, once they do.</summary>
    public string AgreedLeader(TimeSpan timeout)
    {
        string? leader = null;
        WaitUntil(() =>
        {
            var seen = processes.Keys.Select(Leader).Distinct().ToList();
            leader = seen.Count == 1 ? seen[0] : null;
            return leader is not null;
        }, timeout, "every live node to agree on one leader");
        return leader!;
    }

    public void Dispose()
    {
        foreach (var node in processes.Keys.ToList()) Kill(node);
        http.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Vigil.slnx"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
