using System.Diagnostics;
using Vigil.Cli.Agent;
using Vigil.Cli.Agent.Execution;
using Vigil.Core.Configuration;

namespace Vigil.Agent.Tests.Execution;

/// <summary>
/// A temp configuration dir with a node's data dir, settings built directly (no cluster.yaml needed), and a
/// cleanup that kills every process the test started — recorded process groups included — then deletes the dir.
/// </summary>
internal sealed class ProcessFenceSandbox : IDisposable
{
    private readonly List<Process> started = [];

    public ProcessFenceSandbox(string node = "n1", params FenceDeviceConfig[] devices)
    {
        Root = Path.Combine(Path.GetTempPath(), "vigil-exec-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Devices = [.. devices];
        Settings = SettingsFor(node);
    }

    /// <summary>The configuration's directory (cluster.yaml would be here).</summary>
    public string Root { get; }

    public List<FenceDeviceConfig> Devices { get; }

    public AgentSettings Settings { get; }

    public ClusterConfig Config => new(
        new ClusterSettings("test", 1, ClusterMode.HighAvailability, null, null, NoQuorumAction.Stop, TimingConfig.Default),
        [], [], Devices, [], [], [], [], [], []);

    /// <summary>Settings for <paramref name="node"/> with the agent's default data dir, &lt;root&gt;/data/&lt;node&gt;.</summary>
    public AgentSettings SettingsFor(string node) => new(
        Path.Combine(Root, "cluster.yaml"), "", Config,
        new NodeConfig(node, new Dictionary<string, string>(), null, null, NodeRole.Server),
        Path.Combine(Root, "data", node), Path.Combine(Root, "key"), [], null);

    public ResourceRun Run(string resource, ResourceAction action, IReadOnlyDictionary<string, string> parameters,
        TimeSpan? timeout = null, string type = "process", AgentSettings? settings = null) =>
        new(resource, type, "g1", parameters, action, timeout ?? TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), settings ?? Settings);

    /// <summary>Writes a file under the root (an executable script when <paramref name="executable"/>).</summary>
    public string Write(string name, string text, bool executable = false)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        if (executable) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Starts a program the sandbox kills at the end.</summary>
    public Process Start(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info)!;
        started.Add(process);
        return process;
    }

    public static bool Alive(int pid) => ProcessTable.Read(pid) is { IsLive: true };

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="limit"/> passes.</summary>
    public static async Task<bool> Eventually(Func<bool> condition, TimeSpan? limit = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > (limit ?? TimeSpan.FromSeconds(5))) return false;
            await Task.Delay(50);
        }
        return true;
    }

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(Root, "*.pid", SearchOption.AllDirectories))
            if (ProcessRecord.Read(file) is { } record && record.OurLiveGroup().Count > 0)
                ChildProcess.Signal(-record.ProcessGroup, ProcessRecord.SigKill);
        foreach (var process in started)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            process.Dispose();
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
