using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>`vigil demo --headless` end to end (three real agents, a real failover and failback), and its service `vigil demo-http`.</summary>
[Collection(nameof(RealClusters))]
public class DemoTests
{
    private static readonly string VigilDll = typeof(global::Vigil.Cli.Program).Assembly.Location;

    [Fact]
    public void The_headless_demo_fails_over_and_back_with_measured_times_and_leaves_nothing_behind()
    {
        var (exit, json, output) = Run(TimeSpan.FromSeconds(120), "demo", "--headless", "--json");

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{json}");
        foreach (var line in new[]
        {
            @"\+ +\d+ ms  n1's agent killed \(SIGKILL\)",
            @"\+ +\d+ ms  n1 failure detected \(node_failed\)",
            @"\+ +\d+ ms  n1 fenced: .*\(node_fenced\)",
            @"\+ +\d+ ms  web started on n2: .*\(local_group_running\)",
            @"\+ +\d+ ms  HTTP answering again: ""hello from n2""",
            @"\+ +\d+ ms  n1 rejoined \(node_joined\)",
            @"\+ +\d+ ms  web running on n1 again: .*failback auto",
            @"\+ +\d+ ms  HTTP answering from n1 again: ""hello from n1""",
        })
            Assert.Matches(new Regex(line, RegexOptions.Multiline), output);
        Assert.Contains("no process of this demo is left running", output);

        using var figures = JsonDocument.Parse(json);
        var root = figures.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal("n2", root.GetProperty("failover_node").GetString());
        double Ms(string name) => root.GetProperty(name + "_ms").GetDouble();
        Assert.InRange(Ms("failure_detected"), 1, 30_000);
        Assert.True(Ms("fenced") >= Ms("failure_detected"), json);
        // n2's service could only answer once n1's was gone: the port was n1's until the fence killed it.
        Assert.True(Ms("http_answering") >= Ms("http_lost"), json);
        Assert.True(Ms("failback_http") >= Ms("rejoined"), json);

        var dir = Regex.Match(output, @"in (/\S*vigil-demo-[^\s/]+)").Groups[1].Value;
        var port = Regex.Match(output, @"http://127\.0\.0\.1:(\d+)/").Groups[1].Value;
        Assert.NotEqual("", dir);
        Assert.NotEqual("", port);
        Assert.False(Directory.Exists(dir), $"{dir} is left behind");
        Assert.Empty(ProcessesOf(dir, port));
    }

    [Fact]
    public async Task Demo_http_answers_hello_and_stops_on_sigterm_with_exit_0()
    {
        var port = FreePort();
        using var service = Start("demo-http", "--port", port.ToString(CultureInfo.InvariantCulture), "--node", "n7");
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            string? body = null;
            var watch = Stopwatch.StartNew();
            while (body is null && watch.Elapsed < TimeSpan.FromSeconds(20))
            {
                try
                {
                    body = await http.GetStringAsync($"http://127.0.0.1:{port}/");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }
            Assert.Equal("hello from n7\n", body);
            using var missing = await http.GetAsync($"http://127.0.0.1:{port}/nothing");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            global::Vigil.Cli.Agent.Execution.ChildProcess.Signal(service.Id, 15);
        }
        Assert.True(service.WaitForExit(10_000), "demo-http did not stop on SIGTERM");
        Assert.Equal(0, service.ExitCode);
    }

    [Fact]
    public void Demo_http_refuses_a_port_in_use_rather_than_share_it()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var (exit, _, output) = Run(TimeSpan.FromSeconds(30), "demo-http", "--port", port.ToString(CultureInfo.InvariantCulture), "--node", "n1");
        Assert.Equal(1, exit);
        Assert.Contains("cannot listen", output);
    }

    /// <summary>Runs vigil to its end: exit code, stdout, stderr (killed with its whole tree after <paramref name="timeout"/>).</summary>
    private static (int Exit, string Stdout, string Stderr) Run(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
            Assert.Fail($"vigil {string.Join(' ', args)} did not end within {timeout.TotalSeconds} s\n{stderr.Result}\n{stdout.Result}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(VigilDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>Live processes whose command line names the demo's directory, or that are demo-http on its port.</summary>
    private static List<string> ProcessesOf(string dir, string port)
    {
        var found = new List<string>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out _)) continue;
            string[] words;
            try
            {
                words = File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var service = words.Contains("demo-http") && words.SkipWhile(w => w != "--port").Skip(1).FirstOrDefault() == port;
            if (service || words.Any(w => w.StartsWith(dir + "/", StringComparison.Ordinal) || w == dir)) found.Add($"{entry}: {string.Join(' ', words)}");
        }
        return found;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
