using System.Diagnostics;
using System.Globalization;

namespace Vigil.Cli.Agent.Execution.Fencing;

/// <summary>
/// The built-in <c>process</c> device, for clusters whose nodes run on one machine: kills (SIGKILL) the node's
/// agent — the pid in &lt;data dir&gt;/agent.pid, only if that process is a vigil program holding the data dir's
/// lock, so a reused pid is never shot — and every process group recorded in &lt;data dir&gt;/process/*.pid (the
/// built-in process type's records, start time checked). The data dir is the device's <c>data_dir</c> param,
/// a path template with <c>{node}</c> relative to the configuration's directory; default <c>data/{node}</c>, the
/// agent's own default. Success once all of them are gone (up to <see cref="KillWait"/>); a node whose agent
/// does not run counts as off.
/// </summary>
internal sealed class ProcessFenceDevice : IFenceDevice
{
    public const string DefaultDataDir = "data/{node}";

    /// <summary>How long the killed processes get to disappear.</summary>
    public static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    public async Task<FenceOutcome> RunAsync(FenceRequest request, CancellationToken cancel)
    {
        var prefix = $"process {request.Action} {request.Node}";
        var template = request.Device.Params.GetValueOrDefault("data_dir") ?? DefaultDataDir;
        var dataDir = request.Settings.Resolve(template.Replace("{node}", request.Node, StringComparison.Ordinal));
        if (!Directory.Exists(dataDir)) return new FenceOutcome(true, $"{prefix}: no data dir {dataDir}: nothing of the node runs (counts as off)");
        var agent = FindAgent(dataDir, out var agentNote);
        if (agent is { } self && self.Pid == Environment.ProcessId)
            return new FenceOutcome(false, $"{prefix}: refusing: {dataDir} is this agent's own data dir");
        if (agent is { } found) ChildProcess.Signal(found.Pid, ProcessRecord.SigKill);
        var killed = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            // Re-read the records each round: a process the agent started just before it died is caught too.
            var live = KillRecordedGroups(dataDir, killed);
            var agentLives = agent is { } a && ProcessTable.IsLive(a.Pid, a.StartTime);
            if (!agentLives && live == 0) break;
            if (Stopwatch.GetElapsedTime(started) >= KillWait)
                return new FenceOutcome(false, $"{prefix}: still alive {Core.Text.Duration(KillWait)} after SIGKILL: " +
                    (agentLives ? $"agent pid {agent!.Value.Pid}" : $"{live} process(es) of recorded groups"));
            await Task.Delay(ProcessRecord.PollInterval, cancel);
        }
        var groups = killed.Count == 0 ? "no recorded process ran"
            : $"killed process group(s) {string.Join(", ", killed.Select(k => $"{k.Key} ({k.Value.ToString(CultureInfo.InvariantCulture)})"))}";
        var what = agent is { } k ? $"killed agent pid {k.Pid}" : agentNote;
        return new FenceOutcome(true, $"{prefix}: {what}; {groups}");
    }

    /// <summary>
    /// The node's agent process: the pid in agent.pid if it lives, runs a vigil program and holds the data dir's
    /// lock (when its descriptors can be read); otherwise null and <paramref name="note"/> says why it counts as off.
    /// </summary>
    private static ProcStat? FindAgent(string dataDir, out string note)
    {
        var pidFile = Path.Combine(dataDir, "agent.pid");
        string text;
        try
        {
            text = File.ReadAllText(pidFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            note = "agent not running (no agent.pid: counts as off)";
            return null;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1)
        {
            note = $"agent not running (agent.pid holds no pid: counts as off)";
            return null;
        }
        if (ProcessTable.Read(pid) is not { IsLive: true } stat)
        {
            note = $"agent not running (pid {pid} is gone: counts as off)";
            return null;
        }
        var vigil = ProcessTable.CommandLine(pid)?.Contains("vigil", StringComparison.OrdinalIgnoreCase) == true;
        if (!vigil || ProcessTable.HasOpen(pid, Path.Combine(dataDir, "lock")) == false)
        {
            note = $"agent not running (pid {pid} is another program now: counts as off)";
            return null;
        }
        note = "";
        return stat;
    }

    /// <summary>SIGKILLs every recorded group that still has live processes; returns how many processes live (before this round's kill).</summary>
    private static int KillRecordedGroups(string dataDir, SortedDictionary<string, int> killed)
    {
        var live = 0;
        var directory = ProcessBackend.StateDirectory(dataDir);
        if (!Directory.Exists(directory)) return 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*.pid"))
        {
            if (ProcessRecord.Read(file) is not { } record) continue;
            var members = record.OurLiveGroup();
            var leader = record.LeaderAlive;
            if (members.Count == 0 && !leader) continue;
            live += Math.Max(members.Count, 1);
            ChildProcess.Signal(-record.ProcessGroup, ProcessRecord.SigKill);
            if (leader) ChildProcess.Signal(record.Pid, ProcessRecord.SigKill);
            killed[Path.GetFileNameWithoutExtension(file)] = record.ProcessGroup;
        }
        return live;
    }
}
