using System.Diagnostics;
using System.Globalization;
using Vigil.Cli.Agent.Execution;

namespace Vigil.Cli.Demo;

/// <summary>What cleaning up found and did; <see cref="Leftovers"/> lists what still runs afterwards (should be none).</summary>
internal sealed record CleanupReport(int AgentsStopped, int AgentsKilled, int ServiceGroupsEnded, int StraysKilled, bool DirRemoved,
    IReadOnlyList<string> Leftovers, string? DirProblem);

/// <summary>
/// Responsible for the demo's processes: starts and SIGKILLs the agents, and cleans everything up exactly once
/// — from the demo's <c>finally</c>, Ctrl-C or process exit, whichever comes first (the others wait for it and get
/// the same report). Cleanup: SIGTERM to the agents, SIGKILL after <see cref="AgentGrace"/>; then every process
/// group recorded in <c>data/*/process/*.pid</c> (the services the agents started: they outlive an agent, as
/// they should); then any process whose command line names this demo's directory or its service port; then the
/// directory. Finally it looks again for such processes and reports them.
/// </summary>
internal sealed class DemoProcesses(DemoLayout layout, VigilLauncher vigil)
{
    /// <summary>How long the agents get to stop after SIGTERM.</summary>
    public static readonly TimeSpan AgentGrace = TimeSpan.FromSeconds(3);

    /// <summary>How long a service gets to stop after SIGTERM (demo-http stops at once).</summary>
    public static readonly TimeSpan ServiceGrace = TimeSpan.FromSeconds(1);

    private const int SigTerm = 15;
    private const int SigKill = 9;

    private readonly Lock gate = new();
    private readonly Dictionary<string, Process> agents = new(StringComparer.Ordinal);
    private readonly List<Process> started = [];
    private CleanupReport? cleaned;

    public void StartAgent(string node)
    {
        lock (gate)
        {
            if (cleaned is not null) throw new OperationCanceledException("the demo is cleaning up");
            var process = vigil.Start(layout.Dir, layout.LogPath(node), "agent", "--config", layout.ConfigPath, "--node", node);
            agents[node] = process;
            started.Add(process);
        }
    }

    /// <summary>SIGKILLs the node's agent (nothing else: its service keeps running) and reaps it.</summary>
    public void KillAgent(string node)
    {
        Process? process;
        lock (gate) agents.Remove(node, out process);
        if (process is null) return;
        try
        {
            process.Kill(); // SIGKILL on Linux
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }
        process.WaitForExit(TimeSpan.FromSeconds(5));
    }

    /// <summary>The node's agent exit code if it ended by itself (it should not), else null.</summary>
    public int? ExitCode(string node)
    {
        lock (gate) return agents.TryGetValue(node, out var p) && p.HasExited ? p.ExitCode : null;
    }

    public bool IsRunning(string node)
    {
        lock (gate) return agents.TryGetValue(node, out var p) && !p.HasExited;
    }

    /// <summary>Cleans up once (see the class summary); later calls wait for the first and return its report. Never throws.</summary>
    public CleanupReport Cleanup(bool keepDir)
    {
        lock (gate)
        {
            return cleaned ??= CleanupOnce(keepDir);
        }
    }

    private CleanupReport CleanupOnce(bool keepDir)
    {
        var (stopped, killed) = StopAgents();
        var groups = EndServices();
        var strays = 0;
        foreach (var (pid, _) in Ours()) strays += ChildProcess.Signal(pid, SigKill) ? 1 : 0;
        if (strays > 0) Thread.Sleep(200);
        string? dirProblem = null;
        var removed = !keepDir && TryRemoveDir(out dirProblem);
        var leftovers = Ours().Select(p => $"pid {p.Pid}: {p.CommandLine}").ToList();
        return new CleanupReport(stopped, killed, groups, strays, removed, leftovers, dirProblem);
    }

    /// <summary>SIGTERM to every agent still running, SIGKILL to those left after the grace; returns (stopped, killed).</summary>
    private (int Stopped, int Killed) StopAgents()
    {
        var running = started.Where(p => !HasExited(p)).ToList();
        foreach (var process in running) ChildProcess.Signal(process.Id, SigTerm);
        var deadline = Stopwatch.StartNew();
        foreach (var process in running) process.WaitForExit(Max(TimeSpan.Zero, AgentGrace - deadline.Elapsed));
        var killed = 0;
        foreach (var process in running.Where(p => !HasExited(p)))
        {
            try
            {
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(2));
                killed++;
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
        }
        agents.Clear();
        foreach (var process in started) process.Dispose();
        started.Clear();
        return (running.Count - killed, killed);
    }

    /// <summary>Ends every process group the agents recorded (SIGTERM, SIGKILL after the grace); returns how many still ran.</summary>
    private int EndServices()
    {
        var ended = 0;
        foreach (var node in DemoLayout.Nodes)
        {
            var directory = ProcessBackend.StateDirectory(layout.DataDir(node));
            if (!Directory.Exists(directory)) continue;
            foreach (var pidFile in Directory.EnumerateFiles(directory, "*.pid"))
            {
                if (ProcessRecord.Read(pidFile) is not { } record) continue;
                var result = record.TerminateAsync(ServiceGrace, TimeSpan.FromSeconds(2), CancellationToken.None).GetAwaiter().GetResult();
                if (result.WasRunning) ended++;
            }
        }
        return ended;
    }

    /// <summary>Live processes of this demo: their command line names its directory, or is demo-http on its port.</summary>
    public IReadOnlyList<(int Pid, string CommandLine)> Ours()
    {
        var port = layout.HttpPort.ToString(CultureInfo.InvariantCulture);
        var found = new List<(int, string)>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return found;
        }
        foreach (var entry in entries)
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId) continue;
            string[] words;
            try
            {
                words = File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // gone meanwhile, or not ours to read
            }
            var service = words.Contains("demo-http") && words.SkipWhile(w => w != "--port").Skip(1).FirstOrDefault() == port;
            if (service || words.Any(w => w == layout.Dir || w.StartsWith(layout.Dir + "/", StringComparison.Ordinal)))
                found.Add((pid, string.Join(' ', words)));
        }
        return found;
    }

    private bool TryRemoveDir(out string? problem)
    {
        problem = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(layout.Dir)) Directory.Delete(layout.Dir, recursive: true);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process that was just killed may still be closing a file in it: try again shortly.
                problem = e.Message;
                if (attempt == 5) return false;
                Thread.Sleep(200);
            }
        }
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
