using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Coordination;
using Vigil.Core.Decisions;
using static Vigil.Core.Configuration.FailbackMode;

namespace Vigil.Core.Tests.Engine;

/// <summary>Failback, operator moves, failover scripts, recovery, admin states, failures, critical devices, load sharing.</summary>
public class CoordinatorPolicyTests
{
    private static CoordinatorDriver Started(ConfigBuilder builder, params string[] members)
    {
        var d = new CoordinatorDriver(builder.Build());
        d.Start(members.Length > 0 ? members : [.. builder.Build().Nodes.Select(n => n.Name)]);
        return d;
    }

    /// <summary>web on n1 fails over to n2 (fenced), then n1 comes back.</summary>
    [Theory]
    [InlineData(Auto)]
    [InlineData(Controlled)]
    public void FailbackWhenTheBetterNodeRejoins(FailbackMode failback)
    {
        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"], failback: failback));
        d.Fail("n1");
        d.FenceSucceeds("n1");
        Assert.Equal(("n2", 2L), (d.Owner("web"), d.Group("web").Generation));

        var back = d.Rejoin("n1");
        if (failback == Controlled)
        {
            Assert.Equal(["NodeJoined n1"], back.Short);
            Assert.Empty(d.Tick(TimeSpan.FromMinutes(1)).Decisions);
            Assert.Equal(("n2", GroupTarget.Running), (d.Owner("web"), d.Group("web").Target));
            return;
        }
        Assert.Equal(["NodeJoined n1", "GroupReleased web n2"], back.Short);
        Assert.Contains("failback from n2 to n1", back.Of<GroupReleased>().Single().Reason, StringComparison.Ordinal);
        Assert.Equal(("n2", GroupTarget.Stopped), (d.Owner("web"), d.Group("web").Target));

        // Not before n2 confirms the stop of generation 2: an older or other report confirms nothing.
        Assert.Empty(d.Tick().Decisions);
        Assert.Empty(d.ReportStopped("n2", "web", generation: 1).Decisions);
        Assert.Empty(d.Report("n2", Reports.Status("web", 2, GroupPhase.Stopping)).Decisions);
        Assert.Equal(["GroupStopped web n2", "GroupAssigned web n1"], d.ReportStopped("n2", "web").Short);
        Assert.Equal(3, d.Group("web").Generation);
    }

    [Fact]
    public void AnOperatorMoveReleasesAssignsToTheTargetAndKeepsItPreferredUntilFailback()
    {
        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2", "n3"], failback: Auto));
        Assert.Equal("n1", d.Owner("web"));

        var move = d.Operator(new MoveGroup("web", "n3"));
        Assert.Equal(["GroupMoveRequested web n3"], move.Short);
        Assert.Equal(("n1", GroupTarget.Stopped, "n3"), (d.Owner("web"), d.Group("web").Target, d.Group("web").MoveTo));

        var stopped = d.ReportStopped("n1", "web");
        Assert.Equal(["GroupStopped web n1", "GroupAssigned web n3"], stopped.Short);
        Assert.Contains("operator moved it to n3", stopped.Of<GroupAssigned>().Single().Reason, StringComparison.Ordinal);

        // n1 ranks first in the domain and failback is auto, yet the moved-to node stays preferred.
        Assert.Empty(d.Tick(TimeSpan.FromMinutes(1)).Decisions);
        Assert.Equal("n3", d.Owner("web"));

        var failback = d.Operator(new FailbackNow("web"));
        Assert.Equal(["FailbackRequested web", "GroupReleased web n3"], failback.Short);
        Assert.Null(d.Group("web").MoveTo);
        Assert.Equal(["GroupStopped web n3", "GroupAssigned web n1"], d.ReportStopped("n3", "web").Short);
    }

    [Theory]
    [InlineData("nobody", "no node named nobody")]
    [InlineData("n3", "n3 is not in the failover domain of web (n1, n2)")]
    public void AnOperatorMoveOutsideTheDomainIsRefused(string node, string why)
    {
        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]));
        var refused = d.Operator(new MoveGroup("web", node));
        Assert.Empty(refused.Decisions);
        Assert.Contains($"operator command refused: {why}", refused.Notices);
    }

    /// <summary>web fails over from n1 (to n2), n1 comes back, then n2 fails: ordered goes back to n1, round-robin moves on to n3.</summary>
    [Theory]
    [InlineData(FailoverScriptKind.Ordered, "n1")]
    [InlineData(FailoverScriptKind.RoundRobin, "n3")]
    public void RoundRobinRotatesTheRuntimeDomainPastTheFailedOwner(FailoverScriptKind script, string secondOwner)
    {
        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2", "n3"], script: script));
        d.Fail("n1");
        var first = d.FenceSucceeds("n1");
        Assert.Equal(script == FailoverScriptKind.RoundRobin
            ? ["NodeFenced n1", "RuntimeDomainChanged web [n2,n3,n1]", "GroupAssigned web n2"]
            : ["NodeFenced n1", "GroupAssigned web n2"], first.Short);

        d.Rejoin("n1");
        d.Fail("n2");
        var second = d.FenceSucceeds("n2");
        Assert.Equal(secondOwner, d.Owner("web"));
        if (script == FailoverScriptKind.RoundRobin)
            Assert.Contains("RuntimeDomainChanged web [n3,n1,n2]", second.Short);
    }

    [Fact]
    public void ACustomScriptIsRunAndItsDomainAwaitedBeforeEveryAllocation()
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2", "n3"], script: FailoverScriptKind.Custom).Build());
        var start = d.Start("n1", "n2", "n3");
        var run = Assert.IsType<RunFailoverScript>(Assert.Single(start.Effects));
        Assert.Equal(("web", "/etc/vigil/web-failover", "n1,n2,n3", "n1,n2,n3"),
            (run.Group, run.ScriptPath, string.Join(",", run.RuntimeDomain), string.Join(",", run.Membership)));
        Assert.Null(d.Owner("web"));
        Assert.Empty(d.Tick(TimeSpan.FromSeconds(10)).Effects); // in flight: not run twice

        Assert.Equal(["RuntimeDomainChanged web [n3,n2]", "GroupAssigned web n3"], d.ScriptReturns("web", "n3", "n2").Short);

        d.Fail("n3");
        var fenced = d.FenceSucceeds("n3");
        Assert.Equal(["NodeFenced n3"], fenced.Short);
        var again = Assert.IsType<RunFailoverScript>(Assert.Single(fenced.Effects));
        Assert.Equal(("n3,n2", "n1,n2"), (string.Join(",", again.RuntimeDomain), string.Join(",", again.Membership)));
        Assert.Null(d.Owner("web"));

        Assert.Equal(["RuntimeDomainChanged web [n1]", "GroupAssigned web n1"], d.ScriptReturns("web", "n1").Short);
    }

    /// <summary>At formation, in-place recovery waits for the node where the group last ran; auto takes the first available node.</summary>
    [Theory]
    [InlineData(RecoveryMode.InPlace)]
    [InlineData(RecoveryMode.Auto)]
    public void RecoveryAtFormation(RecoveryMode recovery)
    {
        var config = Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"], recovery: recovery).Build();
        var d = new CoordinatorDriver(config, initialState: s => s.WithGroup("web", g => g with { LastOwner = "n2" }));
        d.Start("n1", "n3");
        Assert.Null(d.Owner("web")); // a forming cluster waits for every node, or one dead time
        d.Tick(config.Cluster.Timing.DeadTime);
        if (recovery == RecoveryMode.Auto)
        {
            Assert.Equal("n1", d.Owner("web"));
            return;
        }
        Assert.Null(d.Owner("web"));
        Assert.Contains(d.Notices, n => n.StartsWith("web waits for n2 (recovery: in-place)", StringComparison.Ordinal));

        var joined = d.Rejoin("n2");
        Assert.Equal(["NodeJoined n2", "GroupAssigned web n2"], joined.Short);
        Assert.Contains("in-place", joined.Of<GroupAssigned>().Single().Reason, StringComparison.Ordinal);
    }

    /// <summary>In-place recovery is about formation only: a failover (here, of the coordinator's own node) still moves the group.</summary>
    [Fact]
    public void InPlaceRecoveryDoesNotHoldAFailover()
    {
        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"], recovery: RecoveryMode.InPlace));
        Assert.Equal("n1", d.Owner("web"));
        d.Fail("n1");
        Assert.DoesNotContain(d.Last.Decisions, x => x is ClusterFormed);
        Assert.Equal(["NodeFenced n1", "GroupAssigned web n2"], d.FenceSucceeds("n1").Short);
    }

    [Fact]
    public void AStandbyNodeHasItsGroupsReleasedAndGetsNone()
    {
        var d = Started(Config.Nodes("n1", "n2", "n3")
            .Group("web", domain: ["n1", "n2"], failback: Auto).Group("db", domain: ["n1", "n2"], failback: Auto));
        Assert.Equal(("n1", "n1"), (d.Owner("web"), d.Owner("db")));

        var standby = d.Operator(new SetNodeAdmin("n1", NodeAdminState.Standby));
        Assert.Equal(["NodeAdminChanged n1 Standby", "GroupReleased web n1", "GroupReleased db n1"], standby.Short);
        Assert.All(standby.Of<GroupReleased>(), r => Assert.Contains("n1 is standby", r.Reason, StringComparison.Ordinal));

        d.Report("n1", Reports.Status("web", 1, GroupPhase.Stopped), Reports.Status("db", 1, GroupPhase.Stopped));
        Assert.Equal(("n2", "n2"), (d.Owner("web"), d.Owner("db")));
        Assert.Empty(d.Tick(TimeSpan.FromMinutes(1)).Decisions);

        Assert.Equal(["NodeAdminChanged n1 Online", "GroupReleased web n2", "GroupReleased db n2"],
            d.Operator(new SetNodeAdmin("n1", NodeAdminState.Online)).Short);
    }

    [Fact]
    public void AMaintenanceNodeKeepsItsGroupsUntouched()
    {
        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"], failback: Auto));
        Assert.Equal(["NodeAdminChanged n1 Maintenance"], d.Operator(new SetNodeAdmin("n1", NodeAdminState.Maintenance)).Short);
        Assert.Empty(d.CriticalDevice("n1", failing: true).Decisions);
        Assert.Empty(d.Tick(TimeSpan.FromMinutes(1)).Decisions);
        Assert.Equal(("n1", GroupTarget.Running, 1L), (d.Owner("web"), d.Group("web").Target, d.Group("web").Generation));
    }

    [Fact]
    public void AGroupFailedOnANodeMovesOnAndThatNodeStaysIneligibleUntilCleared()
    {
        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"], failback: Auto));

        // A Failed report for an older generation is not about the current assignment.
        Assert.Empty(d.Report("n1", Reports.Status("web", 0, GroupPhase.Failed, "old")).Decisions);

        var failed = d.ReportFailed("n1", "web", "start of app failed: exit 1");
        Assert.Equal(["GroupFailed web n1", "GroupAssigned web n2"], failed.Short);
        Assert.Contains("web failed on n1 (start of app failed: exit 1)", failed.Of<GroupAssigned>().Single().Reason, StringComparison.Ordinal);
        Assert.Equal(1, d.Group("web").FailCounts["n1"]);

        // Failback is auto, but n1 has a fail count: no failback.
        Assert.Empty(d.Tick(TimeSpan.FromMinutes(1)).Decisions);

        // It fails on n2 too: nowhere left to run.
        var nowhere = d.ReportFailed("n2", "web", "monitor failed");
        Assert.Equal(["GroupFailed web n2"], nowhere.Short);
        Assert.Contains(nowhere.Notices, n => n.StartsWith("web cannot run anywhere", StringComparison.Ordinal));

        var cleared = d.Operator(new ClearFailures("web", "n1"));
        Assert.Equal(["FailuresCleared web n1", "GroupAssigned web n1"], cleared.Short);
        Assert.Equal(3, d.Group("web").Generation);
    }

    [Theory]
    [InlineData("", "n1", false)]
    [InlineData("n1", "n2", false)]
    [InlineData("n2", "n1", false)]
    [InlineData("n1 n2", "n1", true)]
    public void CriticalDevicesMakeANodeIneligibleUnlessNoneIsLeft(string failingOn, string owner, bool activeAttention)
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build());
        d.SetView("n2", "n3"); // n1 not there yet; nothing eligible
        foreach (var n in failingOn.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            d.CriticalDevice(n, failing: true);
        d.Start("n1", "n2", "n3");
        Assert.Equal((owner, activeAttention), (d.Owner("web"), d.Group("web").ActiveAttention));
        if (activeAttention)
            Assert.Contains("active attention", d.Decisions.OfType<GroupAssigned>().Single().Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void AFailingCriticalDeviceOnTheOwnerReleasesItWhileAnotherNodeIsHealthy(bool n2Failing, bool released)
    {
        var d = Started(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]));
        if (n2Failing)
            d.CriticalDevice("n2", failing: true);
        var failing = d.CriticalDevice("n1", failing: true);
        if (!released)
        {
            Assert.Empty(failing.Decisions);
            Assert.Contains(failing.Notices, n => n.Contains("stays on n1 in active attention", StringComparison.Ordinal));
            return;
        }
        Assert.Equal(["GroupReleased web n1"], failing.Short);
        Assert.Contains("critical device failing on n1, n2 is healthy", failing.Decisions[0].Reason, StringComparison.Ordinal);
        Assert.Equal(["GroupStopped web n1", "GroupAssigned web n2"], d.ReportStopped("n1", "web").Short);
    }

    [Theory]
    [InlineData(true, "n1=2 n2=2 n3=2")]
    [InlineData(false, "n1=6")]
    public void LoadSharingSpreadsGroupsByCount(bool loadSharing, string expected)
    {
        var builder = Config.Nodes("n1", "n2", "n3");
        if (loadSharing)
            builder.LoadSharing();
        for (var i = 1; i <= 6; i++)
            builder.Group($"g{i}", domain: ["n1", "n2", "n3"]);
        var d = Started(builder);
        var counts = d.State.Groups.Values.GroupBy(g => g.Owner!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}");
        Assert.Equal(expected, string.Join(" ", counts));
    }

    [Fact]
    public void LoadSharingWithFailbackAutoRebalancesOneGroupAtATime()
    {
        var builder = Config.Nodes("n1", "n2", "n3").LoadSharing();
        for (var i = 1; i <= 4; i++)
            builder.Group($"g{i}", domain: ["n1", "n2", "n3"], failback: Auto);
        var d = Started(builder, "n1", "n2");
        d.Tick(d.Config.Cluster.Timing.DeadTime); // n3 missing: place after one dead time
        Assert.Equal(2, d.State.Groups.Values.Count(g => g.Owner == "n1"));
        var joined = d.Rejoin("n3");
        var released = Assert.Single(joined.Of<GroupReleased>());
        Assert.Empty(d.Tick().Of<GroupReleased>());
        Assert.Equal([$"GroupStopped {released.Group} {released.Node}", $"GroupAssigned {released.Group} n3"],
            d.ReportStopped(released.Node, released.Group).Short);
        var counts = d.State.Groups.Values.GroupBy(g => g.Owner!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}");
        Assert.Equal(3, counts.Count());
    }
}
