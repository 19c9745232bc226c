using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigil.Cli.Agent.Execution;
using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Agent.Tests.Execution;

public sealed class ProcessBackendTests
{
    private static Dictionary<string, string> Command(string command, params (string Key, string Value)[] more)
    {
        var parameters = new Dictionary<string, string> { ["command"] = command };
        foreach (var (key, value) in more) parameters[key] = value;
        return parameters;
    }

    private static ProcessRecord Record(ProcessFenceSandbox box, string resource) =>
        ProcessRecord.Read(ProcessBackend.PidFile(box.Settings.DataDir, resource)) ?? throw new InvalidOperationException("no pid file");

    [Fact]
    public async Task Start_runs_the_command_detached_with_its_output_in_the_log_and_stop_ends_it()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        var parameters = Command("echo hello-from-process; exec sleep 1000");

        var start = await backend.RunAsync(box.Run("web", ResourceAction.Start, parameters), CancellationToken.None);

        Assert.Equal(ActionResult.Success, start.Result);
        var record = Record(box, "web");
        Assert.Equal(record.Pid, record.ProcessGroup);
        var stat = ProcessTable.Read(record.Pid)!.Value;
        Assert.Equal(record.Pid, stat.Session); // a session of its own: no controlling terminal, no signals meant for the agent's group
        Assert.Equal(record.StartTime, stat.StartTime);
        var log = Path.Combine(box.Settings.DataDir, "process", "web.log");
        Assert.Contains("hello-from-process", File.ReadAllText(log), StringComparison.Ordinal);
        // No pipe to the agent: stdin is /dev/null, stdout and stderr the log.
        var fd = $"/proc/{record.Pid}/fd/";
        Assert.Equal("/dev/null", new FileInfo(fd + "0").LinkTarget);
        Assert.Equal(log, new FileInfo(fd + "1").LinkTarget);
        Assert.Equal(log, new FileInfo(fd + "2").LinkTarget);
        Assert.Equal(ActionResult.Running, (await backend.RunAsync(box.Run("web", ResourceAction.Monitor, parameters), CancellationToken.None)).Result);
        Assert.Equal(ActionResult.Running, (await backend.RunAsync(box.Run("web", ResourceAction.Exclusive, parameters), CancellationToken.None)).Result);

        var again = await backend.RunAsync(box.Run("web", ResourceAction.Start, parameters), CancellationToken.None);
        Assert.Equal(ActionResult.Success, again.Result);
        Assert.Contains($"already running (pid {record.Pid})", again.Detail, StringComparison.Ordinal);

        var stop = await backend.RunAsync(box.Run("web", ResourceAction.Stop, parameters), CancellationToken.None);
        Assert.Equal(ActionResult.Success, stop.Result);
        Assert.Contains("SIGTERM", stop.Detail, StringComparison.Ordinal);
        Assert.False(ProcessFenceSandbox.Alive(record.Pid));
        Assert.False(File.Exists(ProcessBackend.PidFile(box.Settings.DataDir, "web")));
        Assert.Equal(ActionResult.NotRunning, (await backend.RunAsync(box.Run("web", ResourceAction.Monitor, parameters), CancellationToken.None)).Result);
        var stopAgain = await backend.RunAsync(box.Run("web", ResourceAction.Stop, parameters), CancellationToken.None);
        Assert.Equal(ActionResult.Success, stopAgain.Result);
        Assert.Equal("not running (no pid file)", stopAgain.Detail);

        // The next start keeps the previous run's output in web.log.1 and starts an empty log.
        Assert.Equal(ActionResult.Success, (await backend.RunAsync(box.Run("web", ResourceAction.Start, Command("exec sleep 1000")), CancellationToken.None)).Result);
        Assert.Contains("hello-from-process", File.ReadAllText(log + ".1"), StringComparison.Ordinal);
        Assert.DoesNotContain("hello-from-process", File.ReadAllText(log), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_process_killed_from_outside_reads_as_not_running_and_its_stale_pid_file_goes()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        var parameters = Command("sleep 1000");
        Assert.Equal(ActionResult.Success, (await backend.RunAsync(box.Run("db", ResourceAction.Start, parameters), CancellationToken.None)).Result);
        var record = Record(box, "db");

        ChildProcess.Signal(-record.ProcessGroup, ProcessRecord.SigKill);
        Assert.True(await ProcessFenceSandbox.Eventually(() => record.OurLiveGroup().Count == 0));

        var monitor = await backend.RunAsync(box.Run("db", ResourceAction.Monitor, parameters), CancellationToken.None);
        Assert.Equal(ActionResult.NotRunning, monitor.Result);
        Assert.Equal($"not running (pid {record.Pid} is gone)", monitor.Detail);
        Assert.False(File.Exists(ProcessBackend.PidFile(box.Settings.DataDir, "db")));
        Assert.Equal(ActionResult.NotRunning, (await backend.RunAsync(box.Run("db", ResourceAction.Exclusive, parameters), CancellationToken.None)).Result);
    }

    [Fact]
    public async Task Stop_kills_the_whole_process_group_children_included()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        var parameters = Command("sleep 1000 & sleep 1000");
        Assert.Equal(ActionResult.Success, (await backend.RunAsync(box.Run("pair", ResourceAction.Start, parameters), CancellationToken.None)).Result);
        var record = Record(box, "pair");
        Assert.True(await ProcessFenceSandbox.Eventually(() => ProcessTable.LiveMembers(record.ProcessGroup).Count >= 2));
        var members = ProcessTable.LiveMembers(record.ProcessGroup);

        var stop = await backend.RunAsync(box.Run("pair", ResourceAction.Stop, parameters), CancellationToken.None);

        Assert.Equal(ActionResult.Success, stop.Result);
        Assert.All(members, pid => Assert.False(ProcessFenceSandbox.Alive(pid), $"pid {pid} of the group survived the stop"));
    }

    [Fact]
    public async Task A_command_that_ignores_SIGTERM_is_killed_after_the_grace()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        var parameters = Command("trap '' TERM; sleep 1000", ("grace", "1s"));
        Assert.Equal(ActionResult.Success, (await backend.RunAsync(box.Run("stubborn", ResourceAction.Start, parameters), CancellationToken.None)).Result);
        var record = Record(box, "stubborn");
        var members = ProcessTable.LiveMembers(record.ProcessGroup);
        var watch = Stopwatch.StartNew();

        var stop = await backend.RunAsync(box.Run("stubborn", ResourceAction.Stop, parameters), CancellationToken.None);

        Assert.Equal(ActionResult.Success, stop.Result);
        Assert.Contains("SIGKILL after a grace of 1s", stop.Detail, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
        Assert.All(members, pid => Assert.False(ProcessFenceSandbox.Alive(pid)));
    }

    [Fact]
    public async Task The_grace_is_capped_by_the_stop_timeout_less_one_second()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        var parameters = Command("trap '' TERM; sleep 1000", ("grace", "1m"));
        Assert.Equal(ActionResult.Success, (await backend.RunAsync(box.Run("stubborn", ResourceAction.Start, parameters), CancellationToken.None)).Result);
        var watch = Stopwatch.StartNew();

        var stop = await backend.RunAsync(box.Run("stubborn", ResourceAction.Stop, parameters, TimeSpan.FromSeconds(2)), CancellationToken.None);

        Assert.Equal(ActionResult.Success, stop.Result);
        Assert.Contains("SIGKILL after a grace of 1s", stop.Detail, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"stop took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_tcp_health_check_gates_start_and_fails_the_monitor_when_nothing_listens()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var parameters = Command("sleep 1000", ("health", $"tcp:127.0.0.1:{port}"));

        var start = await backend.RunAsync(box.Run("svc", ResourceAction.Start, parameters), CancellationToken.None);
        Assert.Equal(ActionResult.Success, start.Result);
        Assert.Contains($"healthy: tcp:127.0.0.1:{port}", start.Detail, StringComparison.Ordinal);
        Assert.Equal(ActionResult.Running, (await backend.RunAsync(box.Run("svc", ResourceAction.Monitor, parameters), CancellationToken.None)).Result);

        listener.Stop();
        var monitor = await backend.RunAsync(box.Run("svc", ResourceAction.Monitor, parameters), CancellationToken.None);
        Assert.Equal(ActionResult.Failed, monitor.Result);
        Assert.Contains("health check fails: tcp:127.0.0.1:", monitor.Detail, StringComparison.Ordinal);
        // Exclusive asks only whether it runs here.
        Assert.Equal(ActionResult.Running, (await backend.RunAsync(box.Run("svc", ResourceAction.Exclusive, parameters), CancellationToken.None)).Result);
    }

    [Fact]
    public async Task A_start_that_never_becomes_healthy_times_out()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var parameters = Command("sleep 1000", ("health", $"tcp:127.0.0.1:{port}"));

        var start = await backend.RunAsync(box.Run("svc", ResourceAction.Start, parameters, TimeSpan.FromSeconds(2)), CancellationToken.None);

        Assert.Equal(ActionResult.TimedOut, start.Result);
        Assert.Contains("not healthy within 2s", start.Detail, StringComparison.Ordinal);
        Assert.Equal(ActionResult.Success, (await backend.RunAsync(box.Run("svc", ResourceAction.Stop, parameters), CancellationToken.None)).Result);
    }

    [Fact]
    public async Task An_http_health_check_wants_a_status_below_400()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        using var server = new TinyHttpServer();
        var parameters = Command("sleep 1000", ("health", $"http://127.0.0.1:{server.Port}/healthz"));

        Assert.Equal(ActionResult.Success, (await backend.RunAsync(box.Run("api", ResourceAction.Start, parameters), CancellationToken.None)).Result);
        Assert.Contains("GET /healthz", server.LastRequest, StringComparison.Ordinal);
        server.Status = 503;
        var monitor = await backend.RunAsync(box.Run("api", ResourceAction.Monitor, parameters), CancellationToken.None);

        Assert.Equal(ActionResult.Failed, monitor.Result);
        Assert.Contains("HTTP 503", monitor.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_exits_at_once_fails_the_start_with_its_output()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();

        var start = await backend.RunAsync(box.Run("broken", ResourceAction.Start, Command("echo cannot-bind-port-80 >&2; exit 3")), CancellationToken.None);

        Assert.Equal(ActionResult.Failed, start.Result);
        Assert.Contains("exit 3", start.Detail, StringComparison.Ordinal);
        Assert.Contains("cannot-bind-port-80", start.Detail, StringComparison.Ordinal);
        Assert.Contains("cannot-bind-port-80", start.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', start.Detail);
    }

    [Fact]
    public async Task A_pid_file_naming_a_reused_pid_reads_as_not_running_and_stop_leaves_that_process_alone()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        var stranger = box.Start("/bin/sleep", "1000");
        var stat = ProcessTable.Read(stranger.Id)!.Value;
        new ProcessRecord(stranger.Id, stranger.Id, stat.StartTime + 1).Write(ProcessBackend.PidFile(box.Settings.DataDir, "old"));
        var parameters = Command("sleep 1000");

        Assert.Equal(ActionResult.NotRunning, (await backend.RunAsync(box.Run("old", ResourceAction.Monitor, parameters), CancellationToken.None)).Result);
        new ProcessRecord(stranger.Id, stranger.Id, stat.StartTime + 1).Write(ProcessBackend.PidFile(box.Settings.DataDir, "old"));
        var stop = await backend.RunAsync(box.Run("old", ResourceAction.Stop, parameters), CancellationToken.None);

        Assert.Equal(ActionResult.Success, stop.Result);
        Assert.Contains("not running", stop.Detail, StringComparison.Ordinal);
        Assert.True(ProcessFenceSandbox.Alive(stranger.Id));
    }

    [Fact]
    public async Task The_process_outlives_the_backend_that_started_it()
    {
        using var box = new ProcessFenceSandbox();
        var parameters = Command("exec sleep 1000");
        await StartWithThrowawayBackend(box, parameters);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        await Task.Delay(200);

        var record = Record(box, "daemon");
        Assert.True(record.LeaderAlive);
        Assert.Equal(ActionResult.Running, (await new ProcessBackend().RunAsync(box.Run("daemon", ResourceAction.Monitor, parameters), CancellationToken.None)).Result);
        // Nothing ties it to the agent: every descriptor is /dev/null or the log, none a pipe or socket.
        var targets = Directory.EnumerateFileSystemEntries($"/proc/{record.Pid}/fd").Select(l => new FileInfo(l).LinkTarget ?? "").ToList();
        Assert.DoesNotContain(targets, t => t.StartsWith("pipe:", StringComparison.Ordinal) || t.StartsWith("socket:", StringComparison.Ordinal));
    }

    private static async Task StartWithThrowawayBackend(ProcessFenceSandbox box, Dictionary<string, string> parameters)
    {
        var start = await new ProcessBackend().RunAsync(box.Run("daemon", ResourceAction.Start, parameters), CancellationToken.None);
        Assert.Equal(ActionResult.Success, start.Result);
    }

    [Fact]
    public async Task Cwd_is_relative_to_the_configuration_directory()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        Directory.CreateDirectory(Path.Combine(box.Root, "work"));

        var start = await backend.RunAsync(box.Run("w", ResourceAction.Start, Command("pwd; exec sleep 1000", ("cwd", "work"))), CancellationToken.None);
        var missing = await backend.RunAsync(box.Run("m", ResourceAction.Start, Command("sleep 1000", ("cwd", "nowhere"))), CancellationToken.None);

        Assert.Equal(ActionResult.Success, start.Result);
        Assert.Contains(Path.Combine(box.Root, "work"), File.ReadAllText(Path.Combine(box.Settings.DataDir, "process", "w.log")), StringComparison.Ordinal);
        Assert.Equal(ActionResult.Failed, missing.Result);
        Assert.Contains("nowhere does not exist", missing.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckParams_names_each_problem()
    {
        Assert.Empty(ProcessBackend.CheckParams("web", Command("nginx -g 'daemon off;'", ("health", "http://127.0.0.1:8080/"), ("grace", "5s"), ("cwd", "www"), ("log", "/var/log/web.log"))));
        Assert.Empty(ProcessBackend.CheckParams("web", Command("x", ("health", "tcp:localhost:5432"))));

        var problems = ProcessBackend.CheckParams("web", new Dictionary<string, string> { ["comand"] = "x", ["health"] = "udp:1", ["grace"] = "10" });

        Assert.Equal(
        [
            "resource web: unknown param 'comand' for type process (known: command, cwd, health, grace, log)",
            "resource web: type process needs a 'command' param (a command line, run with /bin/sh -c)",
            "resource web: health 'udp:1': expected tcp:HOST:PORT or http://HOST:PORT/PATH",
            "resource web: grace '10': write a unit: 100ms, 2s",
        ], problems);
        Assert.Single(ProcessBackend.CheckParams("web", Command("x", ("health", "tcp:host:99999"))));
    }

    [Fact]
    public async Task Bad_params_fail_a_start_but_not_a_stop()
    {
        using var box = new ProcessFenceSandbox();
        var backend = new ProcessBackend();
        var bad = new Dictionary<string, string> { ["cmd"] = "sleep 1000" };

        var start = await backend.RunAsync(box.Run("x", ResourceAction.Start, bad), CancellationToken.None);
        var stop = await backend.RunAsync(box.Run("x", ResourceAction.Stop, bad), CancellationToken.None);

        Assert.Equal(ActionResult.Failed, start.Result);
        Assert.Contains("unknown param 'cmd'", start.Detail, StringComparison.Ordinal);
        Assert.Equal(ActionResult.Success, stop.Result);
    }

    /// <summary>Answers every request with <see cref="Status"/> and remembers the last request line.</summary>
    private sealed class TinyHttpServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();

        public TinyHttpServer()
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _ = Task.Run(ServeAsync);
        }

        public int Port { get; }

        public volatile int Status = 200;

        public string LastRequest { get; private set; } = "";

        private async Task ServeAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    var stream = client.GetStream();
                    var buffer = new byte[4096];
                    var read = await stream.ReadAsync(buffer, stop.Token);
                    LastRequest = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {Status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
                {
                    if (stop.IsCancellationRequested) return;
                }
            }
        }

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            stop.Dispose();
        }
    }
}
