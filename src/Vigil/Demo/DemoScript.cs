using System.Diagnostics;

namespace Vigil.Cli.Demo;

/// <summary>A step of the demo that did not happen in time, or an agent that ended by itself.</summary>
internal sealed class DemoStepFailed(string step, string detail) : Exception($"{step}: {detail}")
{
    public string Step { get; } = step;

    public string Detail { get; } = detail;
}

/// <summary>How long the demo lingers between acts, so a viewer can follow (the headless run only lets things settle).</summary>
internal sealed record DemoPace(TimeSpan BeforeKill, TimeSpan BeforeRestart, TimeSpan AtEnd)
{
    public static readonly DemoPace Live = new(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2));

    public static readonly DemoPace Headless = new(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), TimeSpan.Zero);
}

/// <summary>
/// The demo's script: start three agents and wait until the group runs on n1 and its service answers; SIGKILL
/// n1's agent (T0) and measure, from the agents' events and the service's answers, failure detected, fenced,
/// started elsewhere and HTTP answering again; restart n1's agent (T1) and measure its rejoin and the group's
/// return (failback auto). Every step must happen within <see cref="StepTimeout"/> of the previous one
/// (<see cref="FormationTimeout"/> for the cold start), else <see cref="DemoStepFailed"/>.
/// </summary>
internal sealed class DemoScript(DemoLayout layout, DemoProcesses processes, EventFeed events, HttpProbe http, HttpClient client,
    DemoTimeline timeline, DemoPace pace)
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Three runtimes starting at once on a busy two-core machine take a while the first time.</summary>
    public static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The node the group starts on (first in its domain), whose agent is killed.</summary>
    public const string Victim = "n1";

    private static readonly TimeSpan EventPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StatusPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(1);

    private readonly HashSet<string> expectedUp = new(StringComparer.Ordinal);
    private volatile string now = "preparing";
    private volatile string? context;

    /// <summary>What the demo is doing or waiting for (shown on the live screen), with what to notice meanwhile.</summary>
    public string Now => context is { } c ? $"{now} — {c}" : now;

    /// <summary>A line worth printing in headless mode (a step done).</summary>
    public event Action<string>? Noted;

    public async Task RunAsync(CancellationToken cancel)
    {
        await FormAsync(cancel);
        await PauseAsync(pace.BeforeKill, $"all well; in a moment {Victim}'s agent is killed", cancel);
        var survivor = await FailoverAsync(cancel);
        await PauseAsync(pace.BeforeRestart, $"failover done; in a moment {Victim}'s agent starts again", cancel);
        await RejoinAsync(survivor, cancel);
        await PauseAsync(pace.AtEnd, "done", cancel);
        now = "done";
    }

    private async Task FormAsync(CancellationToken cancel)
    {
        const string phase = "start";
        timeline.BeginPhase(phase, $"start — three agents launched at {DateTime.Now:HH:mm:ss.fff}");
        var begin = Stopwatch.GetTimestamp();
        foreach (var node in DemoLayout.Nodes)
        {
            processes.StartAgent(node);
            expectedUp.Add(node);
        }
        Note($"started the agents {string.Join(", ", DemoLayout.Nodes)} (logs in {layout.Dir}/nI.log)");
        string? leader = null;
        await WaitAsync("every agent answers and all agree on one leader", FormationTimeout, StatusPoll, async () =>
        {
            var leaders = new HashSet<string?>();
            foreach (var node in DemoLayout.Nodes)
                leaders.Add(await NodeStatus.GetAsync(client, layout.Api(node), StatusTimeout, cancel) is { } s ? NodeStatus.Leader(s) : null);
            leader = leaders.Count == 1 ? leaders.Single() : null;
            return leader is not null;
        }, cancel);
        timeline.Add(phase, Since(begin), $"leader {leader} elected, every node agrees", "start_leader");
        await WaitAsync($"{DemoLayout.Group} running on {Victim}", StepTimeout, StatusPoll, async () =>
            await NodeStatus.GetAsync(client, layout.Api(leader!), StatusTimeout, cancel) is { } s
            && NodeStatus.Group(s, DemoLayout.Group) == ("running", Victim), cancel);
        timeline.Add(phase, Since(begin), $"{DemoLayout.Group} running on {Victim} (first in its domain)", "start_running");
        await WaitAsync($"the service answering \"{Hello(Victim)}\"", StepTimeout, EventPoll,
            () => Task.FromResult(http.FirstAt(begin, a => a.Body == Hello(Victim)) is not null), cancel);
        timeline.Add(phase, Since(begin), $"HTTP answering: \"{Hello(Victim)}\"", "start_http");
        Note($"cluster formed: leader {leader}, {DemoLayout.Group} runs on {Victim}, {layout.HttpUrl} answers \"{Hello(Victim)}\"");
    }

    /// <summary>Kills the active node's agent and measures the failover; returns the node that took the group over.</summary>
    private async Task<string> FailoverAsync(CancellationToken cancel)
    {
        const string phase = "failover";
        // Whether the victim also leads Raft matters: then a new leader is elected before anything is decided.
        var leader = await NodeStatus.GetAsync(client, layout.Api("n2"), StatusTimeout, cancel) is { } before ? NodeStatus.Leader(before) : null;
        if (leader is not null) timeline.Fact("leader_at_kill", leader);
        var role = leader == Victim ? ", the Raft leader: a new one is elected first" : leader is null ? "" : $"; the Raft leader is {leader}";
        var (t0, t0Wall) = (Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow);
        timeline.BeginPhase(phase, $"failover — SIGKILL {Victim}'s agent at {t0Wall.ToLocalTime():HH:mm:ss.fff} (T0{role})");
        expectedUp.Remove(Victim);
        processes.KillAgent(Victim);
        timeline.Add(phase, 0, $"{Victim}'s agent killed (SIGKILL); its HTTP service still answers: only fencing can stop it");
        Note($"SIGKILLed {Victim}'s agent; its HTTP service keeps running until {Victim} is fenced — that is what fencing is for");
        context = $"{Victim}'s service answers until {Victim} is fenced; {DemoLayout.Group} starts elsewhere only then, so it never runs twice";

        bool After(SeenEvent e) => e.Time >= t0Wall && e.Reporter != Victim;
        double Ms(SeenEvent e) => (e.Time - t0Wall).TotalMilliseconds;
        var failed = await EventAsync($"{Victim}'s failure detected (node_failed)", e => After(e) && e.Kind == "node_failed" && e.Node == Victim, cancel);
        timeline.Add(phase, Ms(failed), $"{Victim} failure detected (node_failed)", "failure_detected");
        var fenced = await EventAsync($"{Victim} fenced (node_fenced)", e => After(e) && e.Kind == "node_fenced" && e.Node == Victim, cancel);
        timeline.Add(phase, Ms(fenced), $"{Victim} fenced: its agent and its processes are killed (node_fenced)", "fenced");
        context = null;
        var running = await EventAsync($"{DemoLayout.Group} started on another node (local_group_running)",
            e => After(e) && e.Kind == "local_group_running" && e.Group == DemoLayout.Group, cancel);
        var survivor = running.Reporter;
        timeline.Fact("failover_node", survivor);
        timeline.Add(phase, Ms(running), $"{DemoLayout.Group} started on {survivor}: its start action succeeded (local_group_running)", "started_elsewhere");
        var answering = await HttpAsync($"the service answering \"{Hello(survivor)}\"", t0, a => a.Body == Hello(survivor), cancel);
        timeline.Add(phase, answering, $"HTTP answering again: \"{Hello(survivor)}\"", "http_answering");

        if (events.First(e => After(e) && e.Kind == "fence_requested" && e.Node == Victim) is { } requested)
            timeline.Add(phase, Ms(requested), $"fencing of {Victim} requested (fence_requested)", "fence_requested");
        if (events.First(e => After(e) && e.Kind == "group_assigned" && e.Group == DemoLayout.Group) is { } assigned)
            timeline.Add(phase, Ms(assigned), $"{DemoLayout.Group} assigned to {assigned.Node}: its start begins (group_assigned)", "assigned");
        if (http.FirstAt(t0, a => a.Body != Hello(Victim)) is { } lost)
        {
            timeline.Add(phase, Since(t0, lost), $"HTTP stops answering: {Victim}'s service is gone", "http_lost");
            timeline.Measure("failover_http_gap", answering - Since(t0, lost));
        }
        Note($"failover: detected +{Ms(failed):0} ms, fenced +{Ms(fenced):0} ms, started on {survivor} +{Ms(running):0} ms, HTTP answering again +{answering:0} ms");
        return survivor;
    }

    /// <summary>Starts the killed node's agent again and measures its rejoin and the group's return (failback auto).</summary>
    private async Task RejoinAsync(string survivor, CancellationToken cancel)
    {
        const string phase = "rejoin";
        var (t1, t1Wall) = (Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow);
        timeline.BeginPhase(phase, $"rejoin — {Victim}'s agent started again at {t1Wall.ToLocalTime():HH:mm:ss.fff} (T1)");
        processes.StartAgent(Victim);
        expectedUp.Add(Victim);
        timeline.Add(phase, 0, $"{Victim}'s agent started");
        Note($"started {Victim}'s agent again");

        double Ms(SeenEvent e) => (e.Time - t1Wall).TotalMilliseconds;
        var joined = await EventAsync($"{Victim} rejoined (node_joined)", e => e.Time >= t1Wall && e.Reporter != Victim && e.Kind == "node_joined" && e.Node == Victim, cancel);
        timeline.Add(phase, Ms(joined), $"{Victim} rejoined (node_joined)", "rejoined");
        var back = await EventAsync($"{DemoLayout.Group} running on {Victim} again (failback auto)",
            e => e.Time >= t1Wall && e.Reporter == Victim && e.Kind == "local_group_running" && e.Group == DemoLayout.Group, cancel);
        timeline.Add(phase, Ms(back), $"{DemoLayout.Group} running on {Victim} again: its start action succeeded (local_group_running, failback auto)", "failback_running");
        var answering = await HttpAsync($"the service answering \"{Hello(Victim)}\" again", t1, a => a.Body == Hello(Victim), cancel);
        timeline.Add(phase, answering, $"HTTP answering from {Victim} again: \"{Hello(Victim)}\"", "failback_http");

        if (events.First(e => e.Time >= t1Wall && e.Reporter != Victim && e.Kind == "group_assigned" && e.Group == DemoLayout.Group && e.Node == Victim) is { } assigned)
            timeline.Add(phase, Ms(assigned), $"{DemoLayout.Group} assigned to {Victim} again (group_assigned)", "failback_assigned");
        if (events.First(e => e.Time >= t1Wall && e.Reporter == survivor && e.Kind == "local_group_stopped" && e.Group == DemoLayout.Group) is { } stopped)
            timeline.Add(phase, Ms(stopped), $"{DemoLayout.Group} stopped on {survivor} to move back (local_group_stopped)", "failback_stopped");
        if (http.FirstAt(t1, a => a.Body != Hello(survivor)) is { } lost)
        {
            var gap = answering - Since(t1, lost);
            timeline.Add(phase, Since(t1, lost), $"HTTP stops answering while the group moves ({gap:0} ms without service)", "failback_http_lost");
            timeline.Measure("failback_http_gap", gap);
        }
        Note($"rejoin: {Victim} rejoined +{Ms(joined):0} ms, {DemoLayout.Group} back on {Victim} +{Ms(back):0} ms, HTTP \"{Hello(Victim)}\" +{answering:0} ms");
    }

    private async Task<SeenEvent> EventAsync(string what, Func<SeenEvent, bool> match, CancellationToken cancel)
    {
        SeenEvent? found = null;
        await WaitAsync(what, StepTimeout, EventPoll, () => Task.FromResult((found = events.First(match)) is not null), cancel);
        return found!;
    }

    /// <summary>Milliseconds from <paramref name="from"/> until the service's answer matched.</summary>
    private async Task<double> HttpAsync(string what, long from, Func<HttpAnswer, bool> match, CancellationToken cancel)
    {
        long? at = null;
        await WaitAsync(what, StepTimeout, EventPoll, () => Task.FromResult((at = http.FirstAt(from, match)) is not null), cancel);
        return Since(from, at!.Value);
    }

    /// <summary>Polls <paramref name="done"/> until it holds; fails when the time is up or an agent that should run ended.</summary>
    private async Task WaitAsync(string what, TimeSpan timeout, TimeSpan poll, Func<Task<bool>> done, CancellationToken cancel)
    {
        now = "waiting for " + what;
        var begin = Stopwatch.GetTimestamp();
        while (true)
        {
            if (await done()) return;
            foreach (var node in expectedUp)
                if (processes.ExitCode(node) is { } code)
                    throw new DemoStepFailed(what, $"{node}'s agent ended by itself (exit {code}); its log: {layout.LogPath(node)}");
            if (Stopwatch.GetElapsedTime(begin) > timeout)
                throw new DemoStepFailed(what, $"did not happen within {Core.Text.Duration(timeout)} (the service last answered: {http.Current?.Describe() ?? "nothing yet"})");
            await Task.Delay(poll, cancel);
        }
    }

    private async Task PauseAsync(TimeSpan pause, string what, CancellationToken cancel)
    {
        if (pause <= TimeSpan.Zero) return;
        now = what;
        await Task.Delay(pause, cancel);
    }

    private void Note(string line) => Noted?.Invoke(line);

    public static string Hello(string node) => $"hello from {node}";

    private static double Since(long from) => Stopwatch.GetElapsedTime(from).TotalMilliseconds;

    private static double Since(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
