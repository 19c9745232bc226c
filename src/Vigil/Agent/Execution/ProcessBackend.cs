using System.Diagnostics;
using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// The built-in <c>process</c> type: keeps one command running, like a daemon under Pacemaker. Start runs the
/// command through <c>/bin/sh -c</c> in a session and process group of its own (setsid), stdin from /dev/null
/// and stdout/stderr to its log file — no pipe to the agent, so it survives an agent restart — records
/// <c>PID PGID STARTTIME</c> in <c>&lt;data dir&gt;/process/&lt;resource&gt;.pid</c>, and waits until it stays up
/// (and answers its health check, if it has one). Monitor and exclusive look at that record; stop sends SIGTERM
/// to the group, SIGKILL after the grace. The command must stay in the foreground: one that daemonizes itself
/// leaves the recorded process and reads as stopped. Params: <see cref="ProcessParams"/>.
/// </summary>
internal sealed class ProcessBackend : IResourceBackend
{
    /// <summary>Without a health check, how long a new process must stay up before its start counts (a command that fails at once fails the start).</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(500);

    /// <summary>Stop keeps at least this much of its timeout for SIGKILL after the grace.</summary>
    public static readonly TimeSpan KillReserve = TimeSpan.FromSeconds(1);

    /// <summary>Log lines quoted in the detail of a failed start (the action's output carries up to <see cref="OutputLines"/>).</summary>
    private const int DetailLines = 5;

    private const int OutputLines = 20;
    private const string Setsid = "/usr/bin/setsid";
    private const string Shell = "/bin/sh";

    /// <summary>
    /// Checks a process resource's params (missing command, unknown params, health and grace syntax): one line
    /// per problem, naming the resource; empty when they are fine.
    /// </summary>
    public static IReadOnlyList<string> CheckParams(string resource, IReadOnlyDictionary<string, string> p) => ProcessParams.Check(resource, p);

    /// <summary>Where a node's process records and default logs live: &lt;data dir&gt;/process (kept across agent restarts, unlike the run dir).</summary>
    public static string StateDirectory(string dataDir) => Path.Combine(dataDir, "process");

    public static string PidFile(string dataDir, string resource) => Path.Combine(StateDirectory(dataDir), resource + ".pid");

    public async Task<ActionOutcome> RunAsync(ResourceRun run, CancellationToken cancel)
    {
        if (run.Resource.Length == 0 || run.Resource.Contains('/') || run.Resource is "." or "..")
            return new ActionOutcome(ActionResult.Failed, $"resource name '{run.Resource}' cannot name a pid file");
        var parameters = ProcessParams.Parse(run.Resource, run.Params, out var error);
        // Stop and exclusive need only the pid file: bad params must not keep a group from stopping.
        if (parameters is null && run.Action is not (ResourceAction.Stop or ResourceAction.Exclusive))
            return new ActionOutcome(ActionResult.Failed, error);
        try
        {
            return run.Action switch
            {
                ResourceAction.Start => await StartAsync(run, parameters!, cancel),
                ResourceAction.Stop => await StopAsync(run, parameters?.Grace ?? ProcessParams.DefaultGrace, run.Timeout, cancel),
                ResourceAction.Monitor => await MonitorAsync(run, parameters!.Health, cancel),
                ResourceAction.Exclusive => await MonitorAsync(run, null, cancel),
                ResourceAction.Restart => await RestartAsync(run, parameters!, cancel),
                _ => new ActionOutcome(ActionResult.Failed, $"action {run.ActionName} is not supported by type process"),
            };
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new ActionOutcome(ActionResult.Failed, $"{run.ActionName} cancelled: the agent is stopping");
        }
    }

    private static async Task<ActionOutcome> StartAsync(ResourceRun run, ProcessParams p, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        var pidFile = PidFile(run.Settings.DataDir, run.Resource);
        var logPath = p.Log is { } log ? run.Settings.Resolve(log) : Path.Combine(StateDirectory(run.Settings.DataDir), run.Resource + ".log");
        var previous = ProcessRecord.Read(pidFile);
        if (previous is { LeaderAlive: true })
            return await AwaitReadyAsync(run, p, previous, null, logPath, started, cancel);
        var note = "";
        if (previous is not null)
        {
            // The recorded process is gone; what it left in its group (a child holding a port…) goes before a new start.
            var ended = await previous.TerminateAsync(TimeSpan.Zero, KillReserve, cancel);
            if (!ended.Gone)
                return Failed($"processes {string.Join(", ", ended.Remaining)} left by the previous run (group {previous.ProcessGroup}) survive SIGKILL");
            if (ended.WasRunning) note = $"; killed what the previous run left in group {previous.ProcessGroup}";
        }
        TryDelete(pidFile);
        var cwd = run.Settings.Resolve(p.Cwd ?? ".");
        if (!Directory.Exists(cwd)) return Failed($"cwd {cwd} does not exist");
        if (!File.Exists(Setsid)) return Failed($"{Setsid} is missing (util-linux): it gives the process a session of its own");
        try
        {
            ProcessLog.Rotate(logPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed($"cannot prepare the log {logPath}: {e.Message}");
        }
        using var child = Spawn(run, p.Command, cwd, logPath, out var spawnError);
        if (child is null) return Failed($"cannot start /bin/sh: {spawnError}");
        if (ProcessTable.Read(child.Id) is not { } stat)
            return Died(child, logPath, "exited at once");
        // setsid made the process the leader of a new session and process group, so its group id is its pid.
        var record = new ProcessRecord(child.Id, child.Id, stat.StartTime);
        try
        {
            record.Write(pidFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await record.TerminateAsync(TimeSpan.Zero, KillReserve, cancel);
            return Failed($"cannot write {pidFile}: {e.Message}; the process was killed");
        }
        var outcome = await AwaitReadyAsync(run, p, record, child, logPath, started, cancel);
        return outcome with { Detail = outcome.Detail + note };
    }

    /// <summary>
    /// Waits until the process is up for good: alive past <see cref="SettleTime"/> (a new start) and answering its
    /// health check, within the start timeout. A process that dies meanwhile fails the start with its last output.
    /// </summary>
    private static async Task<ActionOutcome> AwaitReadyAsync(ResourceRun run, ProcessParams p, ProcessRecord record, System.Diagnostics.Process? child,
        string logPath, long started, CancellationToken cancel)
    {
        var what = child is null ? $"already running (pid {record.Pid})" : $"started (pid {record.Pid}, log {logPath})";
        var settle = child is null ? TimeSpan.Zero : Min(SettleTime, run.Timeout / 2);
        string? unhealthy = null;
        while (true)
        {
            if (!record.LeaderAlive) return child is null ? Failed($"pid {record.Pid} exited") : Died(child, logPath, "exited during start");
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= settle)
            {
                if (p.Health is null) return new ActionOutcome(ActionResult.Success, what);
                unhealthy = await p.Health.ProbeAsync(Min(HealthCheck.StartProbeMax, run.Timeout - elapsed), cancel);
                if (unhealthy is null && record.LeaderAlive) return new ActionOutcome(ActionResult.Success, $"{what}, healthy: {p.Health}");
            }
            var left = run.Timeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
                return new ActionOutcome(ActionResult.TimedOut, $"{what} but not healthy within {Core.Text.Duration(run.Timeout)}: {unhealthy ?? "no check ran"}");
            await Task.Delay(Min(ProcessRecord.PollInterval, left), cancel);
        }
    }

    private static async Task<ActionOutcome> StopAsync(ResourceRun run, TimeSpan graceWanted, TimeSpan timeout, CancellationToken cancel)
    {
        var pidFile = PidFile(run.Settings.DataDir, run.Resource);
        var record = ProcessRecord.Read(pidFile);
        if (record is null)
        {
            var garbled = File.Exists(pidFile);
            TryDelete(pidFile);
            return new ActionOutcome(ActionResult.Success, garbled ? "not running (an unreadable pid file was removed)" : "not running (no pid file)");
        }
        var grace = Max(TimeSpan.Zero, Min(graceWanted, timeout - KillReserve));
        var ended = await record.TerminateAsync(grace, Max(timeout - grace, TimeSpan.FromMilliseconds(100)), cancel);
        if (!ended.Gone)
            return Failed($"group {record.ProcessGroup} still has live processes after SIGKILL: {string.Join(", ", ended.Remaining)}");
        TryDelete(pidFile);
        if (!ended.WasRunning) return new ActionOutcome(ActionResult.Success, $"not running (pid {record.Pid} is gone)");
        return new ActionOutcome(ActionResult.Success, ended.Killed
            ? $"stopped pid {record.Pid} and its group with SIGKILL after a grace of {Core.Text.Duration(grace)}"
            : $"stopped pid {record.Pid} and its group with SIGTERM");
    }

    /// <summary>Monitor (with the health check) and exclusive (without): running iff the recorded process lives.</summary>
    private static async Task<ActionOutcome> MonitorAsync(ResourceRun run, HealthCheck? health, CancellationToken cancel)
    {
        var pidFile = PidFile(run.Settings.DataDir, run.Resource);
        if (ProcessRecord.Read(pidFile) is not { } record) return new ActionOutcome(ActionResult.NotRunning, "not running (no pid file)");
        if (!record.LeaderAlive)
        {
            var leftovers = record.OurLiveGroup();
            if (leftovers.Count == 0) TryDelete(pidFile); // stale: nothing of it is left
            return new ActionOutcome(ActionResult.NotRunning, leftovers.Count == 0
                ? $"not running (pid {record.Pid} is gone)"
                : $"not running (pid {record.Pid} is gone; {leftovers.Count} process(es) it left in group {record.ProcessGroup} go at the next stop or start)");
        }
        if (health is not null && await health.ProbeAsync(Min(HealthCheck.MonitorProbeMax, run.Timeout), cancel) is { } why)
            return Failed($"pid {record.Pid} runs but its health check fails: {why}");
        return new ActionOutcome(ActionResult.Running, $"running (pid {record.Pid})");
    }

    /// <summary>Stop then start, each with half the restart timeout.</summary>
    private static async Task<ActionOutcome> RestartAsync(ResourceRun run, ProcessParams p, CancellationToken cancel)
    {
        var stopped = await StopAsync(run, p.Grace, run.Timeout / 2, cancel);
        if (stopped.Result != ActionResult.Success) return stopped;
        var started = await StartAsync(run with { Timeout = run.Timeout / 2 }, p, cancel);
        return started with { Detail = $"{stopped.Detail}; {started.Detail}" };
    }

    /// <summary>
    /// Starts <c>setsid /bin/sh -c 'exec /bin/sh -c "$2" &lt;/dev/null &gt;&gt;"$1" 2&gt;&amp;1'</c>: setsid makes the
    /// process a session and group leader (the agent's child is never a group leader, so setsid does not fork and
    /// the pid is the group's id); the shell swaps its stdio for /dev/null and the log before the command runs.
    /// </summary>
    private static System.Diagnostics.Process? Spawn(ResourceRun run, string command, string cwd, string logPath, out string error)
    {
        error = "";
        var start = new ProcessStartInfo(Setsid) { UseShellExecute = false, WorkingDirectory = cwd };
        foreach (var argument in (string[])[Shell, "-c", "exec /bin/sh -c \"$2\" </dev/null >>\"$1\" 2>&1", "vigil-process", logPath, command])
            start.ArgumentList.Add(argument);
        start.Environment["VIGIL_RESOURCE"] = run.Resource;
        start.Environment["VIGIL_GROUP"] = run.Group;
        start.Environment["VIGIL_NODE"] = run.Node;
        InheritedDescriptors.MarkCloseOnExec();
        try
        {
            return System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>A start whose process ended: its exit status and the last lines of its log.</summary>
    private static ActionOutcome Died(System.Diagnostics.Process child, string logPath, string when)
    {
        var status = child.WaitForExit(TimeSpan.FromMilliseconds(500)) ? $"exit {child.ExitCode}" : "ended";
        var lines = ProcessLog.LastLines(logPath, OutputLines);
        var quoted = lines.Count == 0 ? "no output" : "last output: " + string.Join(" | ", lines.TakeLast(DetailLines));
        return new ActionOutcome(ActionResult.Failed, $"{when} ({status}); {quoted} (log {logPath})", string.Join('\n', lines));
    }

    private static ActionOutcome Failed(string detail) => new(ActionResult.Failed, detail);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A pid file that cannot be removed is re-checked (start time) at every use.
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
