using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Vigil.Cli.Agent.Execution;

namespace Vigil.Cli.Demo;

/// <param name="Headless">No live screen: progress lines only (also when the output is not a terminal).</param>
/// <param name="KeepDir">Keep the temporary directory (configuration, logs, data dirs) for a look afterwards.</param>
/// <param name="Json">Print the figures as one JSON object on stdout at the end; everything else goes to stderr.</param>
internal sealed record DemoOptions(bool Headless, bool KeepDir, bool Json);

/// <summary>
/// Runs `vigil demo`: prepares the directory, starts the watchers (events, the service, the live screen), plays
/// <see cref="DemoScript"/>, and always cleans up — at the end, on a failed step, on Ctrl-C/SIGTERM (the command's
/// cancellation, and <see cref="Console.CancelKeyPress"/>) and at process exit. Exit 0 when every step happened
/// and nothing of the demo is left running, 1 otherwise, 2 when the demo could not be prepared, 130 when interrupted.
/// </summary>
internal static class DemoRunner
{
    /// <summary>Lines of each agent log shown when a step did not happen.</summary>
    private const int LogTailLines = 15;

    /// <summary>PlayAsync's code for "interrupted"; the signal decides the exit code.</summary>
    private const int InterruptedExit = 130;

    public static async Task<int> RunAsync(DemoOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var human = options.Json ? stderr : stdout;
        var live = !options.Headless && !(options.Json ? Console.IsErrorRedirected : Console.IsOutputRedirected);
        DemoLayout layout;
        VigilLauncher vigil;
        try
        {
            vigil = VigilLauncher.Current();
            layout = DemoLayout.Create(vigil);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            stderr.WriteLine($"vigil demo: cannot prepare the demo: {e.Message}");
            return 2;
        }
        var processes = new DemoProcesses(layout, vigil);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var interruptExit = 130; // 128 + SIGINT; 143 after SIGTERM
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // the demo stops itself, cleaning up on the way out
            stop.Cancel();
        };
        EventHandler onExit = (_, _) => processes.Cleanup(options.KeepDir);
        // SIGTERM too stops the demo through its normal way out (the runtime would otherwise exit at once, cleaning
        // up only in ProcessExit); a second signal while it cleans up is ignored in the same way.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            interruptExit = 143;
            stop.Cancel();
        });
        Console.CancelKeyPress += onCancel;
        AppDomain.CurrentDomain.ProcessExit += onExit;
        try
        {
            var code = await PlayAsync(options, layout, processes, live, human, stdout, stop);
            return code == InterruptedExit ? interruptExit : code;
        }
        finally
        {
            processes.Cleanup(options.KeepDir);
            Console.CancelKeyPress -= onCancel;
            AppDomain.CurrentDomain.ProcessExit -= onExit;
        }
    }

    private static async Task<int> PlayAsync(DemoOptions options, DemoLayout layout, DemoProcesses processes, bool live, TextWriter human,
        TextWriter stdout, CancellationTokenSource stop)
    {
        var loaded = InputFile.LoadConfig(layout.ConfigPath);
        if (loaded.Config is null)
        {
            human.WriteLine("vigil demo: the generated configuration is invalid (a bug): " + string.Join("; ", loaded.Problems.Select(InputFile.Format)));
            return 2;
        }
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
        {
            Timeout = Timeout.InfiniteTimeSpan, // every call has a deadline of its own
        };
        var timeline = new DemoTimeline();
        var events = new EventFeed(layout, http);
        var probe = new HttpProbe(layout.HttpUrl, http);
        var script = new DemoScript(layout, processes, events, probe, http, timeline, live ? DemoPace.Live : DemoPace.Headless);
        var begin = Stopwatch.GetTimestamp();
        if (!live)
        {
            Intro(layout, human);
            script.Noted += line => human.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Stopwatch.GetElapsedTime(begin).TotalSeconds,5:0.0} s] {line}"));
        }
        using var background = new CancellationTokenSource();
        var watchers = new List<Task> { events.RunAsync(background.Token), probe.RunAsync(background.Token) };
        if (live) watchers.Add(new LiveScreen(layout, processes, probe, timeline, script, http, human).RunAsync(background.Token));

        string? failedStep = null, failure = null;
        var interrupted = false;
        try
        {
            await script.RunAsync(stop.Token);
        }
        catch (DemoStepFailed e)
        {
            (failedStep, failure) = (e.Step, e.Detail);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            interrupted = true;
            failedStep = "interrupted";
        }
        finally
        {
            await background.CancelAsync();
            await Task.WhenAny(Task.WhenAll(watchers), Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None));
        }

        if (!live)
        {
            human.WriteLine();
            foreach (var line in timeline.Lines()) human.WriteLine(line);
        }
        human.WriteLine();
        if (failedStep is not null && !interrupted)
        {
            human.WriteLine($"demo FAILED: waiting for {failedStep}: {failure}");
            WriteLogTails(layout, human); // before the cleanup removes them
        }
        human.WriteLine(interrupted ? "interrupted: cleaning up…" : "cleaning up…");
        human.Flush();
        var report = processes.Cleanup(options.KeepDir);
        WriteCleanup(layout, report, options.KeepDir, human);
        var ok = failedStep is null && report.Leftovers.Count == 0;
        if (failedStep is null) human.WriteLine(ok ? Summary(timeline) : "demo FAILED: processes of the demo survived the cleanup (listed above)");
        human.Flush();
        if (options.Json) stdout.WriteLine(timeline.Json(ok, failedStep ?? (ok ? null : "cleanup"), report.Leftovers.Count));
        return ok ? 0 : interrupted ? InterruptedExit : 1;
    }

    private static void Intro(DemoLayout layout, TextWriter o)
    {
        o.WriteLine($"vigil demo: three agents ({string.Join(", ", DemoLayout.Nodes)}) on 127.0.0.1 in {layout.Dir}");
        o.WriteLine($"  group {DemoLayout.Group}: the process resource {DemoLayout.Resource} (vigil demo-http on {layout.HttpUrl}), " +
            $"domain {string.Join(" ", DemoLayout.Nodes)}, failback auto; heartbeat 100 ms on two networks, failed after 500 ms of silence");
        o.WriteLine("  fencing: the built-in process device (kills a node's agent and every process it started)");
    }

    private static string Summary(DemoTimeline t)
    {
        string F(string key) => t.Figure(key) is { } ms ? ms.ToString("0", CultureInfo.InvariantCulture) : "?";
        return $"demo OK: HTTP answered again {F("http_answering")} ms after the active node's agent was SIGKILLed " +
            $"(failure detected +{F("failure_detected")} ms, fenced +{F("fenced")} ms, started elsewhere +{F("started_elsewhere")} ms); " +
            $"the node rejoined +{F("rejoined")} ms after its restart and the group came back (HTTP +{F("failback_http")} ms)";
    }

    private static void WriteCleanup(DemoLayout layout, CleanupReport r, bool keepDir, TextWriter o)
    {
        var agents = r.AgentsStopped + r.AgentsKilled == 0 ? "no agent was running"
            : $"stopped {r.AgentsStopped + r.AgentsKilled} agent(s){(r.AgentsKilled > 0 ? $" ({r.AgentsKilled} needed SIGKILL)" : "")}";
        var strays = r.StraysKilled > 0 ? $", killed {r.StraysKilled} stray processes" : "";
        var dir = keepDir ? $"kept {layout.Dir}" : r.DirRemoved ? $"removed {layout.Dir}" : $"could NOT remove {layout.Dir}: {r.DirProblem}";
        o.WriteLine($"cleaned up: {agents}, ended {r.ServiceGroupsEnded} service process group(s){strays}, {dir}");
        if (r.Leftovers.Count == 0) o.WriteLine("no process of this demo is left running");
        foreach (var leftover in r.Leftovers) o.WriteLine("STILL RUNNING: " + leftover);
    }

    private static void WriteLogTails(DemoLayout layout, TextWriter o)
    {
        foreach (var node in DemoLayout.Nodes)
        {
            o.WriteLine($"---- {node}: last lines of {layout.LogPath(node)}");
            foreach (var line in ProcessLog.LastLines(layout.LogPath(node), LogTailLines)) o.WriteLine("  " + line);
            var service = Path.Combine(ProcessBackend.StateDirectory(layout.DataDir(node)), DemoLayout.Resource + ".log");
            if (File.Exists(service))
                foreach (var line in ProcessLog.LastLines(service, 5)) o.WriteLine($"  [{DemoLayout.Resource}] {line}");
        }
    }
}
