using System.Diagnostics;
using System.Globalization;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// The record of one process the built-in process type started: <c>PID PGID STARTTIME</c> in
/// <c>&lt;data dir&gt;/process/&lt;resource&gt;.pid</c>. It outlives the agent (the process does too), and the fence
/// device <c>process</c> reads it to kill a node's processes. STARTTIME (field 22 of /proc/PID/stat) guards
/// against a reused pid: a process with the recorded pid but another start time is somebody else's.
/// </summary>
internal sealed record ProcessRecord(int Pid, int ProcessGroup, ulong StartTime)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>The recorded process still runs (same pid, same start time, not a zombie).</summary>
    public bool LeaderAlive => ProcessTable.IsLive(Pid, StartTime);

    public string Format() =>
        string.Create(CultureInfo.InvariantCulture, $"{Pid} {ProcessGroup} {StartTime}\n");

    /// <summary>Parses "PID PGID STARTTIME"; null if the text is not such a line.</summary>
    public static ProcessRecord? Parse(string text)
    {
        var parts = text.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3) return null;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 1) return null;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var group) || group <= 1) return null;
        if (!ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var start)) return null;
        return new ProcessRecord(pid, group, start);
    }

    /// <summary>The record in <paramref name="path"/>; null if there is none or it is not a valid record.</summary>
    public static ProcessRecord? Read(string path)
    {
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the record atomically (temp file, fsync, rename), so a crash never leaves half a record.</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(Format());
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// The live processes of the recorded group that are ours. The group is ours while its leader is the
    /// recorded process, and also once the leader is gone: Linux does not reuse a pid while it still names a
    /// process group, so processes left in group PGID are the leader's leftovers. A leader pid that now belongs
    /// to a process with another start time means the id was reused: nothing there is ours.
    /// </summary>
    public IReadOnlyList<int> OurLiveGroup()
    {
        if (ProcessTable.Read(ProcessGroup) is { } leader)
        {
            var ours = leader.Pid == Pid ? leader.StartTime == StartTime : LeaderAlive;
            if (!ours) return [];
        }
        return ProcessTable.LiveMembers(ProcessGroup);
    }

    /// <summary>
    /// Ends the recorded process group: SIGTERM, up to <paramref name="grace"/> for it to exit, then SIGKILL and
    /// up to <paramref name="killWait"/> for the kernel to finish. Returns how it ended; never throws except for
    /// cancellation.
    /// </summary>
    public async Task<TerminationResult> TerminateAsync(TimeSpan grace, TimeSpan killWait, CancellationToken cancel)
    {
        if (OurLiveGroup().Count == 0) return new TerminationResult(WasRunning: false, Killed: false, Remaining: []);
        if (grace > TimeSpan.Zero)
        {
            ChildProcess.Signal(-ProcessGroup, SigTerm);
            if (LeaderAlive && ProcessTable.Read(Pid)?.ProcessGroup != ProcessGroup) ChildProcess.Signal(Pid, SigTerm);
            if (await WaitGoneAsync(grace, cancel)) return new TerminationResult(true, Killed: false, []);
        }
        ChildProcess.Signal(-ProcessGroup, SigKill);
        if (LeaderAlive) ChildProcess.Signal(Pid, SigKill);
        await WaitGoneAsync(killWait, cancel);
        return new TerminationResult(true, Killed: true, OurLiveGroup());
    }

    /// <summary>Polls until no process of the group lives, up to <paramref name="limit"/>; true if they are gone.</summary>
    public async Task<bool> WaitGoneAsync(TimeSpan limit, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (OurLiveGroup().Count == 0 && !LeaderAlive) return true;
            if (Stopwatch.GetElapsedTime(started) >= limit) return false;
            await Task.Delay(PollInterval, cancel);
        }
    }
}

/// <summary>How ending a process group went: whether anything ran, whether SIGKILL was needed, what still lives.</summary>
internal sealed record TerminationResult(bool WasRunning, bool Killed, IReadOnlyList<int> Remaining)
{
    public bool Gone => Remaining.Count == 0;
}
