using Vigil.Cli.Agent.Execution;
using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Agent.Tests.Execution;

public sealed class SystemdBackendTests
{
    private static readonly Dictionary<string, string> NoParams = [];

    /// <summary>A systemctl that keeps the unit's state in a file beside it and logs its arguments.</summary>
    private const string FakeSystemctl = """
        #!/bin/sh
        here=$(dirname "$0")
        echo "$*" >> "$here/calls"
        case "$1" in
          is-active) state=$(cat "$here/state" 2>/dev/null || echo inactive); echo "$state"; [ "$state" = active ] ;;
          start) if [ -f "$here/broken" ]; then echo "Job for $2 failed because the control process exited with error code." >&2; exit 1; fi; echo active > "$here/state" ;;
          stop) echo inactive > "$here/state" ;;
          restart) echo active > "$here/state" ;;
          *) exit 64 ;;
        esac
        """;

    private static (SystemdBackend Backend, string Dir) Fake(ProcessFenceSandbox box)
    {
        var root = Path.Combine(box.Root, "run-systemd-system");
        Directory.CreateDirectory(root);
        var systemctl = box.Write("bin/systemctl", FakeSystemctl, executable: true);
        return (new SystemdBackend(root, systemctl), Path.GetDirectoryName(systemctl)!);
    }

    [Fact]
    public async Task This_host_without_systemd_gets_a_clear_error_but_can_still_stop()
    {
        if (Directory.Exists(SystemdBackend.DefaultSystemdRoot)) return; // a host that runs systemd: nothing to show here
        using var box = new ProcessFenceSandbox();
        var backend = new SystemdBackend();
        const string Why = "systemd:redis-server: this host does not run systemd (no /run/systemd/system); use a process or ocf: resource instead";

        var start = await backend.RunAsync(box.Run("cache", ResourceAction.Start, NoParams, type: "systemd:redis-server"), CancellationToken.None);
        var monitor = await backend.RunAsync(box.Run("cache", ResourceAction.Monitor, NoParams, type: "systemd:redis-server"), CancellationToken.None);
        var stop = await backend.RunAsync(box.Run("cache", ResourceAction.Stop, NoParams, type: "systemd:redis-server"), CancellationToken.None);
        var exclusive = await backend.RunAsync(box.Run("cache", ResourceAction.Exclusive, NoParams, type: "systemd:redis-server"), CancellationToken.None);

        Assert.Equal(new ActionOutcome(ActionResult.Failed, Why), start);
        Assert.Equal(new ActionOutcome(ActionResult.Failed, Why), monitor);
        Assert.Equal(new ActionOutcome(ActionResult.Success, Why), stop);
        Assert.Equal(new ActionOutcome(ActionResult.NotRunning, Why), exclusive);
    }

    [Fact]
    public async Task A_missing_systemctl_counts_as_no_systemd()
    {
        using var box = new ProcessFenceSandbox();
        Directory.CreateDirectory(Path.Combine(box.Root, "sd"));
        var backend = new SystemdBackend(Path.Combine(box.Root, "sd"), Path.Combine(box.Root, "no-systemctl"));

        var start = await backend.RunAsync(box.Run("cache", ResourceAction.Start, NoParams, type: "systemd:redis"), CancellationToken.None);

        Assert.Equal(ActionResult.Failed, start.Result);
        Assert.StartsWith("systemd:redis: this host does not run systemd (no ", start.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actions_map_to_systemctl_and_is_active_states()
    {
        using var box = new ProcessFenceSandbox();
        var (backend, dir) = Fake(box);
        Task<ActionOutcome> Do(ResourceAction action) =>
            backend.RunAsync(box.Run("cache", action, NoParams, type: "systemd:redis-server.service"), CancellationToken.None);

        var before = await Do(ResourceAction.Exclusive);
        var start = await Do(ResourceAction.Start);
        var monitor = await Do(ResourceAction.Monitor);
        var restart = await Do(ResourceAction.Restart);
        var stop = await Do(ResourceAction.Stop);
        var after = await Do(ResourceAction.Monitor);
        File.WriteAllText(Path.Combine(dir, "state"), "failed\n");
        var failed = await Do(ResourceAction.Monitor);

        Assert.Equal(new ActionOutcome(ActionResult.NotRunning, "redis-server.service is inactive"), before);
        Assert.Equal(ActionResult.Success, start.Result);
        Assert.Equal("systemctl start redis-server.service: exit 0", start.Detail);
        Assert.Equal(new ActionOutcome(ActionResult.Running, "redis-server.service is active"), monitor);
        Assert.Equal(ActionResult.Success, restart.Result);
        Assert.Equal(ActionResult.Success, stop.Result);
        Assert.Equal(ActionResult.NotRunning, after.Result);
        Assert.Equal(new ActionOutcome(ActionResult.NotRunning, "redis-server.service is failed"), failed);
        Assert.Equal(
            ["is-active redis-server.service", "start redis-server.service", "is-active redis-server.service", "restart redis-server.service",
             "stop redis-server.service", "is-active redis-server.service", "is-active redis-server.service"],
            File.ReadAllLines(Path.Combine(dir, "calls")));
    }

    [Fact]
    public async Task A_failing_start_carries_systemctls_reason_and_a_bad_unit_name_is_refused()
    {
        using var box = new ProcessFenceSandbox();
        var (backend, dir) = Fake(box);
        File.WriteAllText(Path.Combine(dir, "broken"), "");

        var start = await backend.RunAsync(box.Run("web", ResourceAction.Start, NoParams, type: "systemd:nginx"), CancellationToken.None);
        var option = await backend.RunAsync(box.Run("web", ResourceAction.Start, NoParams, type: "systemd:--now"), CancellationToken.None);

        Assert.Equal(ActionResult.Failed, start.Result);
        Assert.Equal("systemctl start nginx: exit 1: Job for nginx failed because the control process exited with error code.", start.Detail);
        Assert.Equal(ActionResult.Failed, option.Result);
        Assert.Contains("is not a systemd unit name", option.Detail, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "calls")) && File.ReadAllText(Path.Combine(dir, "calls")).Contains("--now", StringComparison.Ordinal));
    }
}
