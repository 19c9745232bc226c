using System.Diagnostics;
using System.Runtime.Versioning;
using Vigil.Cli.Agent;
using Vigil.Cli.Agent.Execution;
using Vigil.Cli.Agent.Execution.Ocf;
using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Agent.Tests.Execution;

/// <summary>OcfBackend with fake agents under a temporary OCF root: exit codes, reasons, timeouts, environment.</summary>
[SupportedOSPlatform("linux")]
public sealed class OcfBackendTests : IDisposable
{
    private readonly OcfSandbox box = new();

    public void Dispose() => box.Dispose();

    public static TheoryData<ResourceAction, int, ActionResult, string> ExitCodes => new()
    {
        { ResourceAction.Start, 0, ActionResult.Success, "exit 0 (success)" },
        { ResourceAction.Monitor, 0, ActionResult.Running, "exit 0 (success)" },
        { ResourceAction.Exclusive, 0, ActionResult.Running, "exit 0 (success)" },
        { ResourceAction.Start, 1, ActionResult.Failed, "exit 1 (generic error): reason 1" },
        { ResourceAction.Start, 2, ActionResult.Failed, "exit 2 (invalid argument): reason 2" },
        { ResourceAction.Start, 3, ActionResult.Failed, "exit 3 (unimplemented): reason 3" },
        { ResourceAction.Start, 4, ActionResult.Failed, "exit 4 (insufficient privileges): reason 4" },
        { ResourceAction.Exclusive, 5, ActionResult.Failed, "exit 5 (not installed): reason 5" },
        { ResourceAction.Monitor, 6, ActionResult.Failed, "exit 6 (not configured): reason 6" },
        { ResourceAction.Monitor, 7, ActionResult.NotRunning, "exit 7 (not running): reason 7" },
        { ResourceAction.Exclusive, 7, ActionResult.NotRunning, "exit 7 (not running): reason 7" },
        { ResourceAction.Stop, 7, ActionResult.Success, "exit 7 (not running): reason 7" },
        { ResourceAction.Start, 7, ActionResult.Failed, "exit 7 (not running): reason 7" },
        { ResourceAction.Monitor, 8, ActionResult.Running, "exit 8 (running promoted): reason 8" },
        { ResourceAction.Stop, 8, ActionResult.Failed, "exit 8 (running promoted): reason 8" },
        { ResourceAction.Monitor, 9, ActionResult.Failed, "exit 9 (failed promoted): reason 9" },
        { ResourceAction.Exclusive, 9, ActionResult.Running, "exit 9 (failed promoted): reason 9" },
        { ResourceAction.Monitor, 190, ActionResult.Running, "exit 190 (degraded); warning: taken as success: reason 190" },
        { ResourceAction.Start, 190, ActionResult.Success, "exit 190 (degraded); warning: taken as success: reason 190" },
        { ResourceAction.Monitor, 191, ActionResult.Running, "exit 191 (degraded promoted); warning: taken as running promoted: reason 191" },
        { ResourceAction.Start, 42, ActionResult.Failed, "exit 42 (not an OCF exit code): reason 42" },
    };

    [Theory]
    [MemberData(nameof(ExitCodes))]
    public async Task Each_exit_code_maps_to_a_result_and_names_its_meaning(ResourceAction action, int code, ActionResult expected, string detail)
    {
        box.AddAgent("Exits", """
            echo "some log line"
            echo "ocf-exit-reason:reason $OCF_RESKEY_code" >&2
            exit "$OCF_RESKEY_code"
            """);
        var outcome = await box.RunAsync("ocf:test:Exits", action, new() { ["code"] = code.ToString() });
        Assert.Equal(detail, outcome.Detail);
        Assert.Equal(expected, outcome.Result);
    }

    [Fact]
    public async Task The_reason_is_the_last_exit_reason_line_else_the_last_output_line()
    {
        box.AddAgent("Marked", """
            echo "ocf-exit-reason:first" >&2
            echo "ocf-exit-reason:  the real reason " >&2
            echo "a trailing log line"
            exit 1
            """);
        box.AddAgent("Plain", """
            echo "starting"
            echo "cannot bind 10.0.0.1"
            echo
            exit 1
            """);
        Assert.Equal("exit 1 (generic error): the real reason", (await box.RunAsync("ocf:test:Marked", ResourceAction.Start)).Detail);
        var plain = await box.RunAsync("ocf:test:Plain", ResourceAction.Start);
        Assert.Equal("exit 1 (generic error): cannot bind 10.0.0.1", plain.Detail);
        Assert.Contains("starting", plain.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_agent_is_a_failure_naming_the_path()
    {
        var outcome = await box.RunAsync("ocf:test:Nope", ResourceAction.Start);
        Assert.Equal(ActionResult.Failed, outcome.Result);
        Assert.Equal($"OCF agent ocf:test:Nope not installed (no {box.OcfRoot}/resource.d/test/Nope)", outcome.Detail);
    }

    [Fact]
    public async Task A_hanging_start_is_killed_at_its_timeout_with_everything_it_started()
    {
        var agentPid = Path.Combine(box.Root, "agent.pid");
        var childPid = Path.Combine(box.Root, "child.pid");
        box.AddAgent("Hangs", $"""
            echo $$ > '{agentPid}'
            sleep 1000 &
            echo $! > '{childPid}'
            sleep 1000
            """);
        var clock = Stopwatch.StartNew();
        var outcome = await box.RunAsync("ocf:test:Hangs", ResourceAction.Start, timeout: TimeSpan.FromSeconds(1));
        Assert.Equal(ActionResult.TimedOut, outcome.Result);
        Assert.Equal("start timed out after 1s and was killed", outcome.Detail);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        foreach (var file in new[] { agentPid, childPid })
        {
            var pid = int.Parse(File.ReadAllText(file).Trim());
            Assert.True(await OcfSandbox.GoneWithinAsync(pid, TimeSpan.FromSeconds(5)), $"process {pid} ({Path.GetFileName(file)}) still runs");
        }
    }

    [Fact]
    public async Task The_environment_is_what_Pacemaker_gives_an_agent()
    {
        var dumps = Path.Combine(box.Root, "env");
        Directory.CreateDirectory(dumps);
        box.AddAgent("Env", $"""
            env > '{dumps}'/"$1.$OCF_RESKEY_CRM_meta_interval"
            exit 0
            """);
        var parameters = new Dictionary<string, string> { ["ip"] = "10.0.0.9", ["nic"] = "eth0" };
        await box.RunAsync("ocf:test:Env", ResourceAction.Monitor, parameters, interval: TimeSpan.FromSeconds(15), timeout: TimeSpan.FromSeconds(20));
        await box.RunAsync("ocf:test:Env", ResourceAction.Exclusive, parameters, timeout: TimeSpan.FromSeconds(7));
        await box.RunAsync("ocf:test:Env", ResourceAction.Start, parameters, timeout: TimeSpan.FromMilliseconds(2500));

        var monitor = OcfSandbox.ReadEnv(Path.Combine(dumps, "monitor.15000"));
        Assert.Equal("20000", monitor["OCF_RESKEY_CRM_meta_timeout"]);
        Assert.Equal("monitor", monitor["OCF_RESKEY_CRM_meta_name"]);
        var probe = OcfSandbox.ReadEnv(Path.Combine(dumps, "monitor.0"));
        Assert.Equal("7000", probe["OCF_RESKEY_CRM_meta_timeout"]);
        var start = OcfSandbox.ReadEnv(Path.Combine(dumps, "start.0"));
        Assert.Equal("2500", start["OCF_RESKEY_CRM_meta_timeout"]);
        Assert.Equal("start", start["OCF_RESKEY_CRM_meta_name"]);

        Assert.Equal(box.OcfRoot, start["OCF_ROOT"]);
        Assert.Equal("1", start["OCF_RA_VERSION_MAJOR"]);
        Assert.Equal("1", start["OCF_RA_VERSION_MINOR"]);
        Assert.Equal("res", start["OCF_RESOURCE_INSTANCE"]);
        Assert.Equal("Env", start["OCF_RESOURCE_TYPE"]);
        Assert.Equal("test", start["OCF_RESOURCE_PROVIDER"]);
        Assert.Equal("10.0.0.9", start["OCF_RESKEY_ip"]);
        Assert.Equal("eth0", start["OCF_RESKEY_nic"]);
        Assert.Equal("n1", start["OCF_RESKEY_CRM_meta_on_node"]);
        Assert.Equal("0", start["OCF_CHECK_LEVEL"]);
        Assert.Equal("ocf-exit-reason:", start["OCF_EXIT_REASON_PREFIX"]);
        Assert.Equal("0", start["HA_debug"]);
        Assert.Equal("Env(res)", start["HA_LOGTAG"]);
        Assert.Equal("n1", start["VIGIL_NODE"]);
        Assert.Equal(box.Settings.RunDir, start["VIGIL_RUN_DIR"]);
        Assert.Equal(box.Settings.DataDir, start["VIGIL_DATA_DIR"]);
        var rsctmp = Path.Combine(box.Settings.RunDir, "rsctmp");
        Assert.Equal(rsctmp, start["HA_RSCTMP"]);
        Assert.True(Directory.Exists(rsctmp));
        var shims = Path.Combine(box.Settings.RunDir, "pacemaker-bin");
        Assert.StartsWith(shims + ":", start["PATH"], StringComparison.Ordinal);
        Assert.Equal(shims, start["HA_SBIN_DIR"]);
        Assert.All(PacemakerShims.ToolNames, tool => Assert.True(File.Exists(Path.Combine(shims, tool)), tool));
    }

    [Fact]
    public async Task Restart_is_stop_then_start()
    {
        var log = Path.Combine(box.Root, "actions");
        box.AddAgent("Logs", $"""
            echo "$1 $OCF_RESKEY_CRM_meta_name" >> '{log}'
            exit 0
            """);
        var outcome = await box.RunAsync("ocf:test:Logs", ResourceAction.Restart);
        Assert.Equal(ActionResult.Success, outcome.Result);
        Assert.Equal(["stop stop", "start start"], File.ReadAllLines(log));
    }

    [Fact]
    public async Task A_restart_whose_stop_fails_does_not_start()
    {
        var log = Path.Combine(box.Root, "actions");
        box.AddAgent("StopFails", $$"""
            echo "$1" >> '{{log}}'
            [ "$1" = stop ] && { echo "ocf-exit-reason:busy" >&2; exit 1; }
            exit 0
            """);
        var outcome = await box.RunAsync("ocf:test:StopFails", ResourceAction.Restart);
        Assert.Equal(ActionResult.Failed, outcome.Result);
        Assert.Equal("restart: stop: exit 1 (generic error): busy", outcome.Detail);
        Assert.Equal(["stop"], File.ReadAllLines(log));
    }
}

/// <summary>
/// A temporary OCF root (fake agents under resource.d/test/), data and run dirs, and agent settings for node n1;
/// deleted on dispose. Shared by the Ocf*Tests.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class OcfSandbox : IDisposable
{
    private const string Config = """
        cluster: { name: ocf-tests, id: 1 }
        networks: [ { name: net } ]
        nodes: [ { name: n1, addresses: { net: 127.0.0.1:7400 } } ]
        resources: [ { name: res, type: process } ]
        failover_policies: [ { name: p, domain: [n1] } ]
        resource_groups: [ { name: g, resources: [res], policy: p } ]
        """;

    public OcfSandbox()
    {
        Root = Directory.CreateTempSubdirectory("vigil-ocf-").FullName;
        Directory.CreateDirectory(Path.Combine(OcfRoot, "resource.d", "test"));
        var config = ConfigLoader.Load(Config, "ocf-tests.yaml").Config ?? throw new InvalidOperationException("test config invalid");
        Settings = new AgentSettings(Path.Combine(Root, "cluster.yaml"), Config, config, config.Node("n1"),
            Path.Combine(Root, "data"), Path.Combine(Root, "key"), [], null);
        Directory.CreateDirectory(Settings.RunDir);
    }

    public string Root { get; }

    public string OcfRoot => Path.Combine(Root, "ocf");

    public AgentSettings Settings { get; }

    /// <summary>
    /// Writes an executable fake agent ocf:test:NAME: <paramref name="body"/> after a #!/bin/sh line. A shell writes
    /// the file, not this process: a file this multi-threaded process had open for writing could be inherited by
    /// another test's fork for a moment, and executing it then fails with "Text file busy".
    /// </summary>
    public void AddAgent(string name, string body)
    {
        var path = Path.Combine(OcfRoot, "resource.d", "test", name);
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "cat > \"$0\" && chmod 700 \"$0\"", path }) start.ArgumentList.Add(a);
        using var shell = Process.Start(start)!;
        shell.StandardInput.Write("#!/bin/sh\n" + body.ReplaceLineEndings("\n") + "\n");
        shell.StandardInput.Close();
        shell.WaitForExit();
        Assert.Equal(0, shell.ExitCode);
    }

    /// <summary>Runs one action through an OcfBackend rooted at <paramref name="ocfRoot"/> (default: this sandbox's).</summary>
    public Task<ActionOutcome> RunAsync(string type, ResourceAction action, Dictionary<string, string>? parameters = null,
        TimeSpan? timeout = null, TimeSpan? interval = null, string? ocfRoot = null, string resource = "res")
    {
        var run = new ResourceRun(resource, type, "g", parameters ?? [], action, timeout ?? TimeSpan.FromSeconds(30),
            interval ?? TimeSpan.FromSeconds(10), Settings);
        return new OcfBackend(ocfRoot ?? OcfRoot).RunAsync(run, CancellationToken.None);
    }

    /// <summary>An `env` dump as a dictionary (first '=' splits).</summary>
    public static Dictionary<string, string> ReadEnv(string path) =>
        File.ReadAllLines(path).Where(l => l.Contains('=')).Select(l => l.Split('=', 2))
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);

    /// <summary>True once <paramref name="pid"/> no longer exists or is a zombie waiting for its reaper.</summary>
    public static async Task<bool> GoneWithinAsync(int pid, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (ProcessTable.IsGone(pid)) return true;
            await Task.Delay(50);
        }
        return ProcessTable.IsGone(pid);
    }

    /// <summary>Fails the test, saying what to install, when resource-agents is missing (CI installs it).</summary>
    public static void RequireResourceAgents()
    {
        const string dummy = "/usr/lib/ocf/resource.d/heartbeat/Dummy";
        Assert.True(File.Exists(dummy), $"{dummy} is missing: install resource-agents (apt-get install resource-agents)");
    }

    public void Dispose()
    {
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
