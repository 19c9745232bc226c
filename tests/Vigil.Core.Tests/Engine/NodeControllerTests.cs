using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Decisions;
using Vigil.Core.Node;
using Vigil.Core.Quorum;

namespace Vigil.Core.Tests.Engine;

/// <summary>
/// One node's resource lifecycle. The group "web" lists app, fs, ip but app depends on fs and fs on ip, so the
/// start order is ip, fs, app. app and fs monitor every 5 s, ip (built-in type) every 10 s; local_restarts 2.
/// </summary>
public class NodeControllerTests
{
    private static readonly TimeSpan S5 = TimeSpan.FromSeconds(5);

    private static NodeDriver Web(bool fsRestartAction = false, NoQuorumAction noQuorum = NoQuorumAction.Stop, bool withDb = false)
    {
        var builder = Config.Nodes("n1", "n2", "n3").OnNoQuorum(noQuorum)
            .Type("app_t", S5).Type("fs_t", S5, restart: fsRestartAction)
            .Resource("app", "app_t", dependsOn: ["fs"]).Resource("fs", "fs_t", dependsOn: ["ip"]).Resource("ip", "ip_address")
            .Group("web", domain: ["n1", "n2"], resources: ["app", "fs", "ip"], localRestarts: 2);
        if (withDb)
            builder.Group("db", domain: ["n1", "n2"]);
        return new NodeDriver(builder.Build());
    }

    private static NodeDriver WebRunning(bool fsRestartAction = false, NoQuorumAction noQuorum = NoQuorumAction.Stop, bool withDb = false)
    {
        var d = Web(fsRestartAction, noQuorum, withDb);
        d.Assign("web");
        d.RunAll();
        Assert.Equal(GroupPhase.Running, d.LastReportOf("web")!.Phase);
        return d;
    }

    /// <summary>Ticks at <paramref name="at"/>, fails the monitor of fs (other monitors answer Running), and runs what follows.</summary>
    private static void FailMonitorOfFs(NodeDriver d, TimeSpan at)
    {
        d.TickAt(at);
        while (d.Pending is { } p && !(p.Resource == "fs" && p.Action == ResourceAction.Monitor))
            d.Answer(NodeDriver.Default(p.Action));
        Assert.NotNull(d.Pending);
        d.Answer(ActionResult.NotRunning, "mount gone");
        d.RunAll();
    }

    [Fact]
    public void StartRunsExclusiveThenStartPerResourceInDependencyOrder()
    {
        var d = Web();
        var first = d.Assign("web");
        var run = Assert.Single(first.OfType<RunAction>());
        Assert.Equal(("web", "ip", "ip_address", ResourceAction.Exclusive, TimeSpan.FromSeconds(20)),
            (run.Group, run.Resource, run.ResourceType, run.Action, run.Timeout));
        Assert.Equal(GroupPhase.Starting, d.LastReportOf("web")!.Phase);

        d.RunAll();
        Assert.Equal(["ip Exclusive", "ip Start", "fs Exclusive", "fs Start", "app Exclusive", "app Start"], d.Actions);
        Assert.Equal(new GroupReport("web", 1, GroupPhase.Running, 0, null), d.LastReportOf("web"));
    }

    [Theory]
    [InlineData("n1 n2 n3", true)]
    [InlineData("n1 n2", true)]
    [InlineData("n1", false)]
    public void StartsOnlyWithQuorum(string members, bool starts)
    {
        var d = Web();
        d.View(members.Split(' '));
        d.Assign("web");
        Assert.Equal(starts, d.Actions.Count > 0);
    }

    [Fact]
    public void AGroupOwnedElsewhereOrTargetedStoppedIsNotStarted()
    {
        var d = Web();
        d.Commit(new GroupAssigned("web", "n2", 1, false, "t"));
        Assert.Empty(d.Actions);
        d.Commit(new GroupReleased("web", "n2", "t"), new GroupStopped("web", "n2", "t"), new GroupAssigned("web", "n1", 2, false, "t"), new GroupReleased("web", "n1", "t"));
        Assert.Empty(d.Actions);
        d.Step(new NodeTick()); // the periodic report
        Assert.Equal(new GroupReport("web", 2, GroupPhase.Stopped, 0, null), d.LastReportOf("web"));
    }

    [Theory]
    [InlineData("ip")]
    [InlineData("fs")]
    [InlineData("app")]
    public void AnExclusiveCheckAnsweringRunningSkipsThatStart(string resource)
    {
        var d = Web();
        d.Assign("web");
        d.RunAll(a => a.Resource == resource && a.Action == ResourceAction.Exclusive ? ActionResult.Running : null);
        Assert.DoesNotContain($"{resource} Start", d.Actions);
        Assert.Equal(5, d.Actions.Count);
        Assert.Equal(GroupPhase.Running, d.LastReportOf("web")!.Phase);
    }

    [Fact]
    public void AFailingExclusiveCheckFailsTheGroup()
    {
        var d = Web();
        d.Assign("web");
        d.RunAll(a => a.Resource == "fs" && a.Action == ResourceAction.Exclusive ? ActionResult.Failed : null);
        Assert.Equal(["ip Exclusive", "ip Start", "fs Exclusive", "app Stop", "fs Stop", "ip Stop"], d.Actions);
        Assert.Equal(GroupPhase.Failed, d.LastReportOf("web")!.Phase);
    }

    [Fact]
    public void MonitorsRunAtEachTypesInterval()
    {
        var d = WebRunning();
        var mark = d.Actions.Count;
        d.TickAt(S5 - TimeSpan.FromMilliseconds(1));
        Assert.Empty(d.ActionsSince(mark));

        d.TickAt(S5);
        d.RunAll();
        Assert.Equal(["fs Monitor", "app Monitor"], d.ActionsSince(mark));

        mark = d.Actions.Count;
        d.TickAt(2 * S5);
        d.RunAll();
        Assert.Equal(["ip Monitor", "fs Monitor", "app Monitor"], d.ActionsSince(mark));
    }

    /// <summary>A monitor failure within local_restarts restarts the resource and its dependents, or runs the type's restart action.</summary>
    [Theory]
    [InlineData(false, "fs Monitor,app Stop,fs Stop,fs Start,app Start")]
    [InlineData(true, "fs Monitor,fs Restart")]
    public void AMonitorFailureRestartsLocally(bool restartAction, string expected)
    {
        var d = WebRunning(fsRestartAction: restartAction);
        var mark = d.Actions.Count;
        FailMonitorOfFs(d, S5);
        Assert.Equal(expected, string.Join(",", d.ActionsSince(mark)));
        var report = d.LastReportOf("web")!;
        Assert.Equal((GroupPhase.Running, 1, 1L), (report.Phase, report.Restarts, report.Generation));
        Assert.Contains("local restart 1 of 2", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TheThirdMonitorFailureWithLocalRestarts2StopsEverythingAndReportsFailed()
    {
        var d = WebRunning();
        FailMonitorOfFs(d, S5);
        FailMonitorOfFs(d, 2 * S5);
        Assert.Equal((GroupPhase.Running, 2), (d.LastReportOf("web")!.Phase, d.LastReportOf("web")!.Restarts));

        var mark = d.Actions.Count;
        FailMonitorOfFs(d, 3 * S5);
        Assert.Equal(["fs Monitor", "app Stop", "fs Stop", "ip Stop"], d.ActionsSince(mark)[^4..]);
        var report = d.LastReportOf("web")!;
        Assert.Equal((GroupPhase.Failed, 3, 1L), (report.Phase, report.Restarts, report.Generation));
        Assert.Contains("local_restarts 2 exhausted", report.Detail, StringComparison.Ordinal);

        // Failed in this generation: it is not started again here.
        mark = d.Actions.Count;
        d.TickAt(TimeSpan.FromMinutes(5));
        Assert.Empty(d.ActionsSince(mark));
    }

    [Theory]
    [InlineData(ActionResult.Failed, "start of fs failed: failed")]
    [InlineData(ActionResult.TimedOut, "start of fs failed: timed out")]
    public void AStartFailureStopsEverythingAndReportsFailed(ActionResult result, string detail)
    {
        var d = Web();
        d.Assign("web");
        d.RunAll(a => a.Resource == "fs" && a.Action == ResourceAction.Start ? result : null);
        Assert.Equal(["ip Exclusive", "ip Start", "fs Exclusive", "fs Start", "app Stop", "fs Stop", "ip Stop"], d.Actions);
        Assert.Equal(new GroupReport("web", 1, GroupPhase.Failed, 0, detail), d.Step(new NodeTick()).OfType<SendReport>().Single().Report.For("web"));
    }

    [Fact]
    public void AReleaseStopsInReverseOrderAndReportsStoppedForThatGeneration()
    {
        var d = WebRunning();
        var mark = d.Actions.Count;
        d.Release("web");
        Assert.Equal(GroupPhase.Stopping, d.LastReportOf("web")!.Phase);
        d.RunAll();
        Assert.Equal(["app Stop", "fs Stop", "ip Stop"], d.ActionsSince(mark));
        Assert.Equal(new GroupReport("web", 1, GroupPhase.Stopped, 0, null), d.LastReportOf("web"));

        // The coordinator saw it stop: the node forgets the group.
        d.Commit(new GroupStopped("web", "n1", "t"));
        Assert.Null(d.LastReportOf("web"));
    }

    [Fact]
    public void AStopFailureSelfFences()
    {
        var d = WebRunning();
        var mark = d.Actions.Count;
        d.Release("web");
        var output = d.Answer(ActionResult.Failed, "device busy");
        var fence = Assert.Single(output.OfType<SelfFence>());
        Assert.Contains("stop of app failed: device busy", fence.Reason, StringComparison.Ordinal);
        Assert.Equal(["app Stop"], d.ActionsSince(mark));
        Assert.Null(d.Pending);
        Assert.Equal(GroupPhase.StopFailed, d.LastReportOf("web")!.Phase);
        d.TickAt(TimeSpan.FromMinutes(1));
        Assert.Equal(["app Stop"], d.ActionsSince(mark));
    }

    [Theory]
    [InlineData(NoQuorumAction.Stop, "app Stop,fs Stop,ip Stop", GroupPhase.Stopped)]
    [InlineData(NoQuorumAction.Freeze, "", GroupPhase.Running)]
    public void LosingQuorum(NoQuorumAction action, string expected, GroupPhase phase)
    {
        var d = WebRunning(noQuorum: action, withDb: true);
        var mark = d.Actions.Count;
        d.View("n1");
        d.RunAll();
        Assert.Equal(expected, string.Join(",", d.ActionsSince(mark)));
        Assert.Equal(phase, d.LastReportOf("web")!.Phase);

        // Either way nothing new starts without quorum...
        mark = d.Actions.Count;
        d.Assign("db");
        Assert.DoesNotContain(d.ActionsSince(mark), a => a.StartsWith("db-res", StringComparison.Ordinal));

        // ...until quorum is back.
        d.View("n1", "n2", "n3");
        d.RunAll();
        Assert.Contains("db-res Start", d.ActionsSince(mark));
    }

    /// <summary>The quorum answer is kept per view and state: a new state under the same view must be asked again.</summary>
    [Fact]
    public void NodesFencedUnderAnUnchangedViewBringQuorumBack()
    {
        var d = Web();
        d.View("n1");
        Assert.Equal(QuorumStatus.NoQuorum, d.Controller.QuorumAt(d.Now));
        d.Commit(new NodeFailed("n2", "t"), new NodeFailed("n3", "t"));
        Assert.Equal(QuorumStatus.NoQuorum, d.Controller.QuorumAt(d.Now));
        d.Commit(new NodeFenced("n2", "t"), new NodeFenced("n3", "t"));
        Assert.Equal(QuorumStatus.Quorate, d.Controller.QuorumAt(d.Now));
        d.View("n1", "n2");
        Assert.Equal(QuorumStatus.Quorate, d.Controller.QuorumAt(d.Now));
    }

    [Theory]
    [InlineData(true, "")]
    [InlineData(false, "app Stop,fs Stop,ip Stop")]
    public void ANodeThatStopsHearingTheClusterDatabaseStopsItsGroups(bool databaseReachable, string expected)
    {
        // Its view still shows a majority, but its copy of the state may be stale (a fenced node it counts may
        // have rebooted into the other side): without the database's heartbeat for a dead time, it lets go.
        var d = WebRunning();
        d.DatabaseReachable = databaseReachable;
        var mark = d.Actions.Count;
        var deadTime = d.Config.Cluster.Timing.DeadTime;
        var end = d.Now + deadTime + deadTime;
        for (var t = d.Now; t <= end; t += d.Config.Cluster.Timing.HeartbeatInterval)
        {
            d.TickAt(t);
            d.RunAll();
        }
        Assert.Equal(expected, string.Join(",", d.ActionsSince(mark).Where(a => !a.EndsWith("Monitor", StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData(NodeAdminState.Online, true)]
    [InlineData(NodeAdminState.Maintenance, false)]
    public void MaintenanceMeansNoMonitors(NodeAdminState admin, bool monitors)
    {
        var d = WebRunning();
        d.Commit(new NodeAdminChanged("n1", admin, "t"));
        var mark = d.Actions.Count;
        d.TickAt(TimeSpan.FromMinutes(1));
        d.RunAll();
        Assert.Equal(monitors, d.ActionsSince(mark).Any(a => a.EndsWith("Monitor", StringComparison.Ordinal)));
    }

    [Fact]
    public void MaintenanceLeavesAReleasedGroupRunning()
    {
        var d = WebRunning();
        d.Commit(new NodeAdminChanged("n1", NodeAdminState.Maintenance, "t"));
        var mark = d.Actions.Count;
        d.Release("web");
        Assert.Empty(d.ActionsSince(mark));
    }
}
