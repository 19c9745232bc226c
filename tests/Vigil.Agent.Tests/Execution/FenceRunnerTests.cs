using System.Diagnostics;
using Vigil.Cli.Agent.Execution;
using Vigil.Core.Configuration;
using Vigil.Core.Coordination;
using Vigil.Core.Node;

namespace Vigil.Agent.Tests.Execution;

public sealed class FenceRunnerTests
{
    private const string FenceDummy = "/usr/sbin/fence_dummy";

    /// <summary>A fence agent that records its argument count and stdin beside itself, then echoes stdin (as a careless debug mode would).</summary>
    private const string RecordingAgent = """
        #!/bin/sh
        here=$(dirname "$0")
        echo "$#" > "$here/argc"
        cat > "$here/stdin"
        echo "Success: fenced"
        cat "$here/stdin"
        """;

    private static FenceDeviceConfig Device(string agent, params (string Key, string Value)[] parameters) =>
        new("dev", agent, parameters.ToDictionary(p => p.Key, p => p.Value));

    private static async Task<FenceCompleted> Fence(ProcessFenceSandbox box, string node = "n2", string? port = null, string? action = null)
    {
        var runner = new FenceRunner(box.Settings, () => box.Config);
        return await runner.RunAsync(new FenceNode(node, 1, "dev", port), action, CancellationToken.None);
    }

    [Fact]
    public async Task Fence_dummy_powers_a_node_off_through_the_stdin_protocol()
    {
        if (!File.Exists(FenceDummy)) return; // fence-agents not installed
        using var box = new ProcessFenceSandbox();
        var status = box.Write("dummy.status", "on");
        box.Devices.Add(Device("fence_dummy", ("type", "file"), ("status_file", status), ("action", "off"), ("verify", "true")));

        var done = await Fence(box);

        Assert.True(done.Success, done.Detail);
        Assert.Equal("fence_dummy off n2: exit 0: Success: Powered OFF; status confirms off", done.Detail);
        Assert.Equal("off", File.ReadAllText(status));
        Assert.Equal(new FenceCompleted("n2", 1, true, done.Detail), done);
    }

    [Fact]
    public async Task Fence_dummy_reboots_by_default()
    {
        if (!File.Exists(FenceDummy)) return;
        using var box = new ProcessFenceSandbox();
        var status = box.Write("dummy.status", "on");
        box.Devices.Add(Device(FenceDummy, ("status_file", status)));

        var done = await Fence(box);

        Assert.True(done.Success, done.Detail);
        Assert.Equal("fence_dummy reboot n2: exit 0: Success: Rebooted", done.Detail);
    }

    [Fact]
    public async Task A_fence_agent_gets_everything_on_stdin_and_nothing_on_its_command_line_and_the_password_stays_out_of_the_detail()
    {
        using var box = new ProcessFenceSandbox();
        var agent = box.Write("agents/fence_recorder", RecordingAgent, executable: true);
        box.Write("secrets/pdu.pass", "s3cret-pass\n");
        box.Devices.Add(Device(agent, ("ipaddr", "10.0.0.100"), ("login", "apc"), ("passwd_file", "secrets/pdu.pass"), ("timeout", "5s"),
            ("host_map", "n2:9")));

        var done = await Fence(box, port: "7");

        Assert.True(done.Success, done.Detail);
        Assert.Equal("0", File.ReadAllText(Path.Combine(box.Root, "agents", "argc")).Trim());
        Assert.Equal(
            ["ipaddr=10.0.0.100", "login=apc", "action=reboot", "port=7", "nodename=n2", "passwd=s3cret-pass"],
            File.ReadAllLines(Path.Combine(box.Root, "agents", "stdin")));
        Assert.Equal("fence_recorder reboot n2: exit 0: passwd=***", done.Detail);
        Assert.DoesNotContain("s3cret", done.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_map_gives_the_port_when_the_node_names_none()
    {
        using var box = new ProcessFenceSandbox();
        var agent = box.Write("agents/fence_recorder", RecordingAgent, executable: true);
        box.Devices.Add(Device(agent, ("host_map", "n1:1;n2:2,3"), ("action", "off")));

        var done = await Fence(box);
        var unmapped = await Fence(box, node: "n3");

        Assert.True(done.Success && unmapped.Success);
        var stdin = File.ReadAllLines(Path.Combine(box.Root, "agents", "stdin"));
        Assert.Contains("port=n3", stdin); // the last run: n3 is not in the map, so its name is the port
        Assert.Contains("action=off", stdin);
        await Fence(box);
        Assert.Contains("port=2,3", File.ReadAllLines(Path.Combine(box.Root, "agents", "stdin")));
    }

    [Fact]
    public async Task A_hanging_agent_is_killed_at_its_timeout_and_the_fencing_fails()
    {
        using var box = new ProcessFenceSandbox();
        var agent = box.Write("agents/fence_hang", "#!/bin/sh\nsleep 1000\n", executable: true);
        box.Devices.Add(Device(agent, ("timeout", "1s")));
        var watch = Stopwatch.StartNew();

        var done = await Fence(box);

        Assert.False(done.Success);
        Assert.Equal("fence_hang reboot n2: timed out after 1s and was killed", done.Detail);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task A_failing_agent_fails_the_fencing_with_its_last_line()
    {
        using var box = new ProcessFenceSandbox();
        var agent = box.Write("agents/fence_broken", "#!/bin/sh\necho 'Failed: Unable to connect/login to fencing device' >&2\nexit 1\n", executable: true);
        box.Devices.Add(Device(agent));

        var done = await Fence(box);

        Assert.False(done.Success);
        Assert.Equal("fence_broken reboot n2: exit 1: Failed: Unable to connect/login to fencing device", done.Detail);
    }

    [Fact]
    public async Task An_inline_password_is_refused_without_being_quoted_and_the_agent_never_runs()
    {
        using var box = new ProcessFenceSandbox();
        var agent = box.Write("agents/fence_recorder", RecordingAgent, executable: true);
        box.Devices.Add(Device(agent, ("passwd", "hunter2")));

        var done = await Fence(box);

        Assert.False(done.Success);
        Assert.Contains("inline 'passwd' is refused", done.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", done.Detail, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(box.Root, "agents", "argc")));
    }

    [Fact]
    public async Task Unknown_and_missing_agents_fail_with_the_reason()
    {
        using var box = new ProcessFenceSandbox();
        box.Devices.Add(Device("ipmitool"));
        var unknown = await Fence(box);
        box.Devices[0] = Device("fence_no_such_agent_here");
        var missing = await Fence(box);
        var noDevice = await new FenceRunner(box.Settings, () => box.Config).RunAsync(new FenceNode("n2", 1, "nope", null), CancellationToken.None);

        Assert.False(unknown.Success);
        Assert.Contains("unknown agent 'ipmitool'", unknown.Detail, StringComparison.Ordinal);
        Assert.False(missing.Success);
        Assert.Equal("fence_no_such_agent_here reboot n2: agent fence_no_such_agent_here not found (looked on PATH, /usr/sbin and /sbin)", missing.Detail);
        Assert.Equal("fence device nope is not in the configuration", noDevice.Detail);
    }

    [Fact]
    public async Task A_script_device_runs_command_node_action_with_the_facts_in_its_environment()
    {
        using var box = new ProcessFenceSandbox();
        box.Write("fence.sh", "#!/bin/sh\necho \"$1 $2 $VIGIL_FENCE_PORT $VIGIL_FENCE_ACTION\" > \"$(dirname \"$0\")/fenced\"\necho done\n", executable: true);
        box.Devices.Add(Device("script", ("command", "fence.sh")));

        var off = await Fence(box, port: "4");
        var reboot = await Fence(box, port: "4", action: "reboot");

        Assert.Equal("script off n2: exit 0: done", off.Detail);
        Assert.True(reboot.Success);
        Assert.Equal("n2 reboot 4 reboot", File.ReadAllText(Path.Combine(box.Root, "fenced")).Trim());
    }

    [Fact]
    public async Task The_process_device_kills_the_nodes_agent_and_its_recorded_process_groups()
    {
        using var box = new ProcessFenceSandbox();
        box.Devices.Add(Device("process"));
        var n2 = box.SettingsFor("n2");
        Directory.CreateDirectory(n2.DataDir);
        var lockPath = Path.Combine(n2.DataDir, "lock");
        File.WriteAllText(lockPath, "");
        // A stand-in agent: a program whose command line says vigil, holding the data dir's lock open like the real one.
        var fake = Path.Combine(box.Root, "vigil-fake");
        File.Copy("/bin/sleep", fake);
        var agent = box.Start("/bin/sh", "-c", "exec \"$0\" 1000 3>>\"$1\"", fake, lockPath);
        Assert.True(await ProcessFenceSandbox.Eventually(() => ProcessTable.HasOpen(agent.Id, lockPath) == true));
        File.WriteAllText(Path.Combine(n2.DataDir, "agent.pid"), agent.Id + "\n");
        var start = await new ProcessBackend().RunAsync(box.Run("web", ResourceAction.Start, new Dictionary<string, string> { ["command"] = "sleep 1000 & sleep 1000" },
            settings: n2), CancellationToken.None);
        Assert.Equal(ActionResult.Success, start.Result);
        var record = ProcessRecord.Read(ProcessBackend.PidFile(n2.DataDir, "web"))!;
        Assert.True(await ProcessFenceSandbox.Eventually(() => ProcessTable.LiveMembers(record.ProcessGroup).Count >= 2));
        var members = ProcessTable.LiveMembers(record.ProcessGroup);

        var done = await Fence(box);

        Assert.True(done.Success, done.Detail);
        Assert.Equal($"process off n2: killed agent pid {agent.Id}; killed process group(s) web ({record.ProcessGroup})", done.Detail);
        Assert.False(ProcessFenceSandbox.Alive(agent.Id));
        Assert.All(members, pid => Assert.False(ProcessFenceSandbox.Alive(pid)));
    }

    [Fact]
    public async Task The_process_device_never_shoots_a_reused_agent_pid_and_counts_a_stopped_agent_as_off()
    {
        using var box = new ProcessFenceSandbox();
        box.Devices.Add(Device("process", ("data_dir", "nodes/{node}/state")));
        var dataDir = Path.Combine(box.Root, "nodes", "n2", "state");
        Directory.CreateDirectory(dataDir);
        File.WriteAllText(Path.Combine(dataDir, "lock"), "");
        var stranger = box.Start("/bin/sleep", "1000"); // not a vigil program
        var fake = Path.Combine(box.Root, "vigil-other-node");
        File.Copy("/bin/sleep", fake);
        var otherAgent = box.Start(fake, "1000"); // a vigil program, but it does not hold this data dir's lock
        File.WriteAllText(Path.Combine(dataDir, "agent.pid"), stranger.Id + "\n");

        var reused = await Fence(box);
        File.WriteAllText(Path.Combine(dataDir, "agent.pid"), otherAgent.Id + "\n");
        var otherNode = await Fence(box);
        File.Delete(Path.Combine(dataDir, "agent.pid"));
        var stopped = await Fence(box);

        Assert.True(reused.Success, reused.Detail);
        Assert.Equal($"process off n2: agent not running (pid {stranger.Id} is another program now: counts as off); no recorded process ran", reused.Detail);
        Assert.True(otherNode.Success, otherNode.Detail);
        Assert.True(ProcessFenceSandbox.Alive(stranger.Id));
        Assert.True(ProcessFenceSandbox.Alive(otherAgent.Id));
        Assert.Equal("process off n2: agent not running (no agent.pid: counts as off); no recorded process ran", stopped.Detail);
    }

    [Fact]
    public void CheckDevice_names_each_problem_without_quoting_secrets()
    {
        Assert.Empty(FenceRunner.CheckDevice(Device("fence_ipmilan", ("ip", "10.0.0.5"), ("passwd_file", "/etc/vigil/ipmi.pass"), ("host_map", "n1:1;n2:2"), ("verify", "true"))));
        Assert.Empty(FenceRunner.CheckDevice(Device("process")));

        var problems = FenceRunner.CheckDevice(Device("fence_apc", ("password", "topsecret"), ("action", "on"), ("timeout", "soon"), ("host_map", "n1"),
            ("verify", "maybe"), ("login", "a\nb")));

        Assert.Equal(
        [
            "fence device dev: an inline 'password' is refused (it would be stored in the configuration on every node); put it in a file readable only by root and name it with passwd_file",
            "fence device dev: action 'on' is not supported (use off or reboot)",
            "fence device dev: timeout 'soon': expected a number followed by a unit: 250us, 100ms, 2s, 5m, 1h",
            "fence device dev: host_map entry 'n1': expected NODE:PORT (e.g. \"n1:1;n2:2\")",
            "fence device dev: verify 'maybe': expected true or false",
            "fence device dev: param 'login' holds a line break (fence agents read one key=value per line)",
        ], problems);
        Assert.DoesNotContain(problems, p => p.Contains("topsecret", StringComparison.Ordinal));
        Assert.Equal(["fence device dev: agent script needs a 'command' param (run as COMMAND NODE ACTION)"], FenceRunner.CheckDevice(Device("script")));
    }
}
