using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Core.Decisions;

namespace Vigil.Core.Tests.Engine;

/// <summary>Quorum gates every decision; the tiebreaker half of a 50/50 split may only fence; old reports confirm nothing.</summary>
public class CoordinatorQuorumTests
{
    [Theory]
    [InlineData("n1 n2 n3", "n1")]
    [InlineData("n1 n2 n3 n4 n5", "n1 n2")]
    [InlineData("n1 n2 n3 n4 n5", "n4 n5")]
    [InlineData("n1 n2 n3 n4", "n1 n2")] // exact half without a tiebreaker
    public void AMinorityDecidesNothing(string nodes, string members)
    {
        var config = Config.Nodes(nodes.Split(' ')).Group("web", domain: nodes.Split(' ')).Build();
        var d = new CoordinatorDriver(config);
        var start = d.Start(members.Split(' '));
        Assert.Empty(start.Decisions);
        Assert.Empty(start.Effects);
        Assert.Contains(start.Notices, n => n.StartsWith("no quorum", StringComparison.Ordinal));
        Assert.Empty(d.Tick(TimeSpan.FromMinutes(5)).Decisions);
        Assert.Empty(d.Operator(new MoveGroup("web", members.Split(' ')[0])).Decisions);
        Assert.Null(d.Owner("web"));
    }

    [Fact]
    public void LosingQuorumFencesNothingAndMovesNothing()
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n2", "n1"]).Build());
        d.Start("n1", "n2", "n3");
        Assert.Equal("n2", d.Owner("web"));
        var alone = d.SetView("n1");
        Assert.Empty(alone.Decisions);
        Assert.Empty(alone.Effects);
        Assert.Empty(d.Tick(TimeSpan.FromMinutes(5)).Decisions);
        Assert.Equal(NodeHealth.Up, d.State.Nodes["n2"].Health);
    }

    [Fact]
    public void TheTiebreakerHalfOnlyFencesThenPlacesOnceFenced()
    {
        var config = Config.Nodes("n1", "n2", "n3", "n4").Tiebreaker("n1")
            .Group("app", domain: ["n3", "n1"]).Group("web", domain: ["n1", "n2"]).Group("db", domain: ["n2", "n1"]).Build();
        var d = new CoordinatorDriver(config);
        d.Start("n1", "n2", "n3", "n4");
        Assert.Equal(("n3", "n1", "n2"), (d.Owner("app"), d.Owner("web"), d.Owner("db")));

        var split = d.SetView("n1", "n2");
        Assert.All(split.Decisions, x => Assert.True(x is NodeFailed or FenceRequested, $"not a fencing decision: {x}"));
        Assert.Equal(["FenceRequested n3 #1", "FenceRequested n4 #1"], split.Decisions.OfType<FenceRequested>().Short().Order(StringComparer.Ordinal));
        Assert.Equal(["n3", "n4"], split.Effects.OfType<FenceNode>().Select(f => f.Node).Order(StringComparer.Ordinal));
        Assert.Contains(split.Notices, n => n.StartsWith("quorum pending", StringComparison.Ordinal));
        Assert.Equal("n3", d.Owner("app"));

        // Nothing but fencing on this half: a failure report and an operator command wait for quorum.
        Assert.Empty(d.ReportFailed("n2", "db", "monitor failed").Decisions);
        Assert.Empty(d.Operator(new SetNodeAdmin("n2", NodeAdminState.Standby)).Decisions);
        Assert.Empty(d.Tick(TimeSpan.FromSeconds(5)).Decisions);
        Assert.Equal(("n3", "n2"), (d.Owner("app"), d.Owner("db")));

        var fenced = d.FenceSucceeds("n3");
        Assert.Equal("NodeFenced n3", fenced.Short[0]);
        Assert.Contains("GroupAssigned app n1", fenced.Short);
        Assert.Contains("GroupFailed db n2", fenced.Short);
        Assert.Equal(("n1", "n1"), (d.Owner("app"), d.Owner("db")));
    }

    [Fact]
    public void TheOtherHalfOfA5050SplitDecidesNothing()
    {
        var config = Config.Nodes("n1", "n2", "n3", "n4").Tiebreaker("n1").Group("app", domain: ["n3", "n1"]).Build();
        var d = new CoordinatorDriver(config);
        d.Start("n1", "n2", "n3", "n4");
        var split = d.SetView("n3", "n4");
        Assert.Empty(split.Decisions);
        Assert.Empty(split.Effects);
    }

    /// <summary>web is being released from n1 in generation 5: only n1's report for generation 5 confirms the stop.</summary>
    [Theory]
    [InlineData(4, GroupPhase.Stopped, false)]
    [InlineData(6, GroupPhase.Stopped, false)]
    [InlineData(5, GroupPhase.Stopping, false)]
    [InlineData(5, GroupPhase.StopFailed, false)]
    [InlineData(5, GroupPhase.Stopped, true)]
    public void OnlyAReportOfTheCurrentGenerationConfirmsAStop(long generation, GroupPhase phase, bool confirms)
    {
        var config = Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n2", "n1"]).Build();
        var d = new CoordinatorDriver(config, initialState: s => s
            .WithGroup("web", g => g with { Owner = "n1", Target = GroupTarget.Stopped, Generation = 5, Recovering = false }));
        d.Start("n1", "n2", "n3");
        Assert.Equal("n1", d.Owner("web"));

        var report = d.Report("n1", Reports.Status("web", generation, phase));
        if (!confirms)
        {
            Assert.Empty(report.Decisions);
            Assert.Equal("n1", d.Owner("web"));
            return;
        }
        Assert.Equal(["GroupStopped web n1", "GroupAssigned web n2"], report.Short);
        Assert.Equal(6, d.Group("web").Generation);
    }

    [Fact]
    public void AnOldFailedReportNeverFailsANewerAssignment()
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build());
        d.Start("n1", "n2", "n3");
        d.Operator(new MoveGroup("web", "n2"));
        d.ReportStopped("n1", "web");
        d.Operator(new MoveGroup("web", "n1"));
        d.ReportStopped("n2", "web");
        Assert.Equal(("n1", 3L), (d.Owner("web"), d.Group("web").Generation));
        Assert.Empty(d.Report("n1", Reports.Status("web", 1, GroupPhase.Failed, "old")).Decisions);
        Assert.Empty(d.Group("web").FailCounts);
    }
}
