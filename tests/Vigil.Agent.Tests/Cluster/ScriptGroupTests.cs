using Vigil.Cli.Agent.Execution;
using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>FailSafe action scripts on real agents: monitor failures, local restarts, failover, hanging actions, notify hooks.</summary>
[Collection(nameof(RealClusters))]
public class ScriptGroupTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(40);

    /// <summary>
    /// A test resource whose monitor fails while `broken` exists in the node's run dir; start hangs while `hang`
    /// exists there. Every action appends to actions.log in the run dir.
    /// </summary>
    private const string FlakyScript = """
        #!/bin/sh
        run="${VIGIL_RUN_DIR:?}"
        echo "$1" >> "$run/actions.log"
        case "$1" in
          start)   [ -f "$run/hang" ] && { sleep 1000 & echo $! > "$run/hang.child"; sleep 1000; }
                   touch "$run/flaky.running" ;;
          stop)    rm -f "$run/flaky.running" ;;
          monitor) [ -f "$run/broken" ] && { echo "health check failed"; exit 1; }
                   [ -f "$run/flaky.running" ] || exit 7 ;;
          exclusive) [ -f "$run/flaky.running" ] || exit 7 ;;
        esac
        exit 0
        """;

    private const string FlakyWorkload = """
        resource_types:
          - name: flaky
            actions: { exclusive: actions/flaky, start: actions/flaky, stop: actions/flaky, monitor: actions/flaky }
            timeouts: { start: 2s, stop: 5s, monitor: 5s, exclusive: 5s }
            monitor_interval: 300ms
        resources: [ { name: app, type: flaky } ]
        failover_policies:
          - { name: app-policy, domain: [{domain}], script: ordered, failback: controlled }
        resource_groups:
          - { name: appgroup, resources: [app], policy: app-policy, local_restarts: 2 }
        """;

    private const string NotifyHook = """
        #!/bin/sh
        echo "$VIGIL_EVENT node=$VIGIL_EVENT_NODE group=$VIGIL_EVENT_GROUP local=$VIGIL_NODE args=$1,$2,$3" >> "${0%/*}/notified.log"
        """;

    [Fact]
    public void A_failing_monitor_restarts_in_place_local_restarts_times_then_the_group_fails_over_and_hooks_are_told()
    {
        using var cluster = NewCluster("notify: [ { command: actions/notify, timeout: 5s } ]");
        cluster.StartAll();
        cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group("n1") == ("running", "n1") && File.Exists(RunFile(cluster, "n1", "flaky.running")), Long, "appgroup running on n1");

        File.WriteAllText(RunFile(cluster, "n1", "broken"), "");
        cluster.WaitUntil(() => cluster.Group("n1") == ("running", "n2") && File.Exists(RunFile(cluster, "n2", "flaky.running")), Long, "appgroup failed over to n2");
        var actions = File.ReadAllLines(RunFile(cluster, "n1", "actions.log"));
        Assert.Equal(3, actions.Count(a => a == "stop")); // two local restarts, then the stop for the failover
        Assert.False(File.Exists(RunFile(cluster, "n1", "flaky.running")));
        var status = cluster.MustStatus("n3");
        Assert.Equal(1, status.GetProperty("groups")[0].GetProperty("fail_counts").GetProperty("n1").GetInt32());

        var events = VigilCli.Run("events", "--config", cluster.ConfigPath, "--node", "n1").Output;
        Assert.Contains("monitor of app (appgroup) failed on n1: exit 1", events, StringComparison.Ordinal);
        Assert.Contains("local_restarts 2 exhausted", events, StringComparison.Ordinal);
        Assert.Contains("group_failed", events, StringComparison.Ordinal);

        // Notify hooks: the leader ran them for committed decisions, each node for what it saw itself.
        var hookLog = Path.Combine(cluster.Dir, "actions", "notified.log");
        cluster.WaitUntil(() => File.Exists(hookLog) && File.ReadAllText(hookLog).Contains("local_group_running node=n2 group=appgroup local=n2", StringComparison.Ordinal),
            Long, "the hook heard appgroup running on n2");
        var notified = File.ReadAllText(hookLog);
        Assert.Contains("group_failed node=n1 group=appgroup", notified, StringComparison.Ordinal);
        Assert.Contains("action_failed node=n1 group=appgroup local=n1 args=action_failed,n1,appgroup", notified, StringComparison.Ordinal);
        Assert.Contains("group_assigned node=n2 group=appgroup", notified, StringComparison.Ordinal);
        Assert.Contains("local_group_failed node=n1 group=appgroup local=n1", notified, StringComparison.Ordinal);

        // resource cleanup clears the failure count.
        var (code, output) = VigilCli.Run("resource", "cleanup", "app", "--config", cluster.ConfigPath);
        Assert.True(code == 0, output);
        cluster.WaitUntil(() => cluster.MustStatus("n2").GetProperty("groups")[0].GetProperty("fail_counts").EnumerateObject().Count() == 0, Long, "failure counts cleared");
    }

    [Fact]
    public void A_hanging_start_is_killed_at_its_timeout_with_its_children_and_the_group_moves_on()
    {
        using var cluster = NewCluster();
        cluster.Start("n1");
        cluster.MustStatus("n1"); // its run dir was emptied at start; alone it has no quorum, so nothing starts yet
        File.WriteAllText(RunFile(cluster, "n1", "hang"), "");
        cluster.Start("n2");
        cluster.Start("n3");
        cluster.WaitUntil(() => cluster.Group("n2") == ("running", "n2"), Long, "appgroup gave up on n1 and runs on n2");
        var events = VigilCli.Run("events", "--config", cluster.ConfigPath, "--node", "n1").Output; // a local event of n1
        Assert.Contains("start of app (appgroup) failed on n1: timed out and was killed", events, StringComparison.Ordinal);
        var actions = File.ReadAllLines(RunFile(cluster, "n1", "actions.log"));
        Assert.Equal("stop", actions[actions.ToList().LastIndexOf("start") + 1]); // a timed-out start is followed by a stop
        var child = int.Parse(File.ReadAllText(RunFile(cluster, "n1", "hang.child")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        cluster.WaitUntil(() => ProcessTable.IsGone(child), TimeSpan.FromSeconds(5), "the start's background child killed with its process group");
    }

    private static AgentCluster NewCluster(string extraConfig = "")
    {
        var cluster = new AgentCluster(3, workload: FlakyWorkload, extraConfig: extraConfig);
        WriteScript(Path.Combine(cluster.Dir, "actions", "flaky"), FlakyScript);
        WriteScript(Path.Combine(cluster.Dir, "actions", "notify"), NotifyHook);
        return cluster;
    }

    private static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text.Replace("\r", "", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string RunFile(AgentCluster cluster, string node, string name) => Path.Combine(cluster.DataDir(node), "run", name);
}
