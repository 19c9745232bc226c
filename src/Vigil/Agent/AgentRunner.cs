using System.Runtime.InteropServices;
using Vigil.Cli.Agent.Api;
using Vigil.Cli.Agent.Storage;
using Vigil.Cli.Agent.Wire;
using Vigil.Core.Heartbeat;

namespace Vigil.Cli.Agent;

/// <summary>
/// `vigil agent`: builds the node (data dir lock and incarnation, Raft storage, key, sockets, heartbeats, the
/// loop, the API), runs it in the foreground until SIGTERM/SIGINT, and tears it down. Setup problems are one
/// clear line and exit code 2; a self-fence exits with 70.
/// </summary>
internal static class AgentRunner
{
    public static int Run(string configPath, string node, string? dataDir)
    {
        AgentSettings settings;
        try
        {
            settings = AgentSettings.Load(configPath, node, dataDir);
        }
        catch (AgentSetupException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        var log = new AgentLog(settings.Node.Name);
        try
        {
            return RunNode(settings, log);
        }
        catch (Exception e) when (e is AgentSetupException or StorageException or WireSetupException)
        {
            log.Write("agent", "cannot start: " + e.Message);
            return 2;
        }
    }

    private static int RunNode(AgentSettings settings, AgentLog log)
    {
        var clock = new AgentClock();
        using var identity = NodeIdentity.Acquire(settings.DataDir, AgentClock.UnixMillis);
        ResetRunDir(settings);
        File.WriteAllText(Path.Combine(settings.DataDir, "agent.pid"), Environment.ProcessId + "\n");
        var key = ClusterKey.Load(settings.KeyPath);
        if (key.PermissionWarning is { } warning) log.Write("agent", warning);
        log.Write("agent", $"starting {settings.Node.Name} of cluster {settings.Config.Cluster.Name} (id {settings.Config.Cluster.Id}), " +
            $"incarnation {identity.Incarnation}, data dir {settings.DataDir}, key {key.Fingerprint}");
        using var storage = RaftStorage.Open(settings.DataDir, log.For("storage"));
        var monitorGate = new Lock();
        var monitor = HeartbeatMonitor.ForNode(settings.Config, settings.Node.Name);
        using var link = new ClusterLink(settings, key, identity.Epoch, monitor, monitorGate, clock, log.For("wire"));
        var loop = new AgentLoop(settings, log, clock, link, storage, identity, monitor, monitorGate);
        var watchdog = new LoopWatchdog(loop, settings.Config, log);
        var heartbeats = new HeartbeatService(link, monitor, monitorGate, clock, settings.Config.Cluster.Timing.HeartbeatInterval,
            identity.Incarnation, () =>
            {
                watchdog.Check();
                loop.RequestTick();
            });
        link.Start((message, wake) => loop.Post(message, wake), heartbeats.Beat);
        using var interfaces = loop.Interfaces;
        interfaces.Start();
        using var heapTrim = NativeHeapTrim.Start();
        AgentApi? api = null;
        if (settings.Api is { } endpoint)
        {
            try
            {
                var token = ApiToken.LoadOrCreate(settings.DataDir, log.For("api"));
                api = AgentApi.StartAsync(endpoint, e => loop.Post(e), token, loop.Events,
                    new IpEndpoints.Context(settings.Node.Name, loop.Interfaces, () => loop.CurrentConfig)).GetAwaiter().GetResult();
                log.Write("api", $"listening on http://{endpoint}");
            }
            catch (IOException e)
            {
                throw new AgentSetupException($"cannot listen on {endpoint} for the API: {e.Message}");
            }
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; loop.Post(new StopRequested()); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; loop.Post(new StopRequested()); });
        var code = loop.Run();
        api?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(3));
        log.Write("agent", $"stopped (exit {code})");
        return code;
    }

    /// <summary>Resource runtime state does not survive an agent restart (as /run does not survive a reboot).</summary>
    private static void ResetRunDir(AgentSettings settings)
    {
        if (Directory.Exists(settings.RunDir)) Directory.Delete(settings.RunDir, recursive: true);
        Directory.CreateDirectory(settings.RunDir);
    }
}
