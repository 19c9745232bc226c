using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using static Vigil.Core.Tests.Engine.Reports;

namespace Vigil.Core.Tests.Engine;

/// <summary>
/// A step skips the scheduling pass only when it would repeat the last, empty one (Coordinator.Replan.cs): any
/// input that says something new, and any rule waiting for the clock, must still be planned.
/// </summary>
public class CoordinatorReplanTests
{
    private static CoordinatorDriver WebRunningOnN1()
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build());
        d.Start("n1", "n2", "n3");
        d.Report("n1", Status("web", d.Group("web").Generation, GroupPhase.Running));
        Assert.Equal("n1", d.Owner("web"));
        return d;
    }

    [Fact]
    public void AnIdleClusterIsNotPlannedAgainOnEveryTickAndRoutineReport()
    {
        var d = WebRunningOnN1();
        d.Report("n2"); // n2 last reported before the state it now names
        d.Tick();
        var plans = d.CoordinatorOf("n1").PlansMade;
        for (var i = 0; i < 20; i++)
        {
            Assert.Empty(d.Tick().Decisions);
            Assert.Empty(d.Report("n2").Decisions); // says the same as before, with a new sequence
        }
        Assert.Equal(plans, d.CoordinatorOf("n1").PlansMade);
    }

    [Fact]
    public void AReportThatSaysSomethingNewIsPlannedAfterIdleSteps()
    {
        var d = WebRunningOnN1();
        for (var i = 0; i < 20; i++)
            d.Tick();
        var failed = d.ReportFailed("n1", "web", "disk gone");
        Assert.Equal(["GroupFailed web n1", "GroupAssigned web n2"], failed.Short);
    }

    [Fact]
    public void AViewChangeAfterIdleStepsIsPlanned()
    {
        var d = WebRunningOnN1();
        for (var i = 0; i < 20; i++)
            d.Tick();
        Assert.Equal(["NodeFailed n2", "FenceRequested n2 #1"], d.Fail("n2").Short);
    }

    [Fact]
    public void AnOperatorCommandAfterIdleStepsIsPlanned()
    {
        var d = WebRunningOnN1();
        for (var i = 0; i < 20; i++)
            d.Tick();
        Assert.Equal(["GroupMoveRequested web n2"], d.Operator(new MoveGroup("web", "n2")).Short);
    }

    /// <summary>Startup fencing waits one dead time after quorum: ticks alone must bring it, at the tick that crosses it.</summary>
    [Fact]
    public void ANodeThatNeverJoinedIsFencedByTicksAloneAfterTheDeadTime()
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build());
        d.Start("n1", "n2");
        var deadTime = d.Config.Cluster.Timing.DeadTime;
        var tick = TimeSpan.FromMilliseconds(100);
        var start = d.Now;
        while (d.Now + tick < start + deadTime)
            Assert.Empty(d.Tick(tick).Decisions);
        Assert.Contains("NodeFailed n3", d.Tick(start + deadTime - d.Now).Short);
    }
}
