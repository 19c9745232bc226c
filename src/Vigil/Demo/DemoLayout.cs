using System.Text;
using Vigil.Cli.Agent.Wire;

namespace Vigil.Cli.Demo;

/// <summary>
/// Responsible for the demo cluster's files: a temporary directory holding a new key and a cluster.yaml with three
/// nodes on 127.0.0.1 (free ports, two heartbeat networks, an API each), the built-in <c>process</c> fence device,
/// and the group <c>web</c> holding the <c>process</c> resource <c>http</c> (<c>vigil demo-http</c> on one more
/// port). Each node's data dir is <c>data/NODE</c> beside the configuration (the default).
/// </summary>
internal sealed class DemoLayout
{
    public const string Group = "web";
    public const string Resource = "http";
    public const string ClusterName = "vigil-demo";

    public static readonly IReadOnlyList<string> Nodes = ["n1", "n2", "n3"];

    private readonly Dictionary<string, int> apiPorts;

    private DemoLayout(string dir, Dictionary<string, int> apiPorts, int httpPort)
    {
        Dir = dir;
        this.apiPorts = apiPorts;
        HttpPort = httpPort;
    }

    public string Dir { get; }

    /// <summary>The port of the demo's HTTP service, the same on every node (only one node runs it at a time).</summary>
    public int HttpPort { get; }

    public Uri HttpUrl => new($"http://127.0.0.1:{HttpPort}/");

    public string ConfigPath => Path.Combine(Dir, "cluster.yaml");

    public Uri Api(string node) => new($"http://127.0.0.1:{apiPorts[node]}/");

    public string DataDir(string node) => Path.Combine(Dir, "data", node);

    /// <summary>Where the node's agent writes its log (stdout and stderr).</summary>
    public string LogPath(string node) => Path.Combine(Dir, node + ".log");

    /// <summary>Creates the directory, the key and the configuration; <paramref name="vigil"/> runs the HTTP service.</summary>
    public static DemoLayout Create(VigilLauncher vigil)
    {
        var dir = Directory.CreateTempSubdirectory("vigil-demo-").FullName;
        try
        {
            var ports = LoopbackPorts.Free(Nodes.Count * 3 + 1);
            var api = Nodes.Select((n, i) => (n, ports[3 * i + 2])).ToDictionary(p => p.n, p => p.Item2, StringComparer.Ordinal);
            var layout = new DemoLayout(dir, api, ports[^1]);
            var keyPath = Path.Combine(dir, "cluster.key");
            File.WriteAllText(keyPath, ClusterKey.Generate() + "\n");
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.WriteAllText(layout.ConfigPath, layout.Yaml(ports, vigil));
            return layout;
        }
        catch
        {
            Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    private string Yaml(IReadOnlyList<int> ports, VigilLauncher vigil)
    {
        var command = vigil.ShellCommand("demo-http", "--port", HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--node") + " \"$VIGIL_NODE\"";
        var nodes = new StringBuilder();
        for (var i = 0; i < Nodes.Count; i++)
            nodes.AppendLine($"  - {{ name: {Nodes[i]}, addresses: {{ ring0: 127.0.0.1:{ports[3 * i]}, ring1: 127.0.0.1:{ports[3 * i + 1]} }}, " +
                $"api: 127.0.0.1:{ports[3 * i + 2]}, fence: {{ device: local, port: {Nodes[i]} }} }}");
        return $$"""
            # Written by 'vigil demo' for one run; the directory is deleted when the demo ends (unless --keep-dir).
            cluster:
              name: {{ClusterName}}
              id: 4242                # each demo has its own key and ports: runs never hear each other
              key_file: cluster.key
              timing: { heartbeat_interval: 100ms, dead_after: 5 }   # a node silent on both networks for 500 ms has failed

            networks: [ { name: ring0 }, { name: ring1 } ]

            nodes:
            {{nodes.ToString().TrimEnd()}}

            fence_devices:
              # Kills the fenced node's agent and every process it started (data/NODE/agent.pid, data/NODE/process/*.pid).
              - { name: local, agent: process }

            resources:
              - name: {{Resource}}
                type: process
                params:
                  command: {{YamlQuote("exec " + command)}}
                  health: "{{HttpUrl}}"
                  grace: 2s

            failover_policies:
              - { name: web-policy, domain: [{{string.Join(", ", Nodes)}}], script: ordered, failback: auto }

            resource_groups:
              - { name: {{Group}}, resources: [{{Resource}}], policy: web-policy }
            """ + "\n";
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string YamlQuote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
