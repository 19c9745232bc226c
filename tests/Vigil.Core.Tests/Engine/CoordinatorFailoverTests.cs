using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Coordination;
using Vigil.Core.Decisions;
using static Vigil.Core.Configuration.FailbackMode;

namespace Vigil.Core.Tests.Engine;

/// <summary>Placement at formation, failover through fencing, fence back-off, and nodes without a fence device.</summary>
public class CoordinatorFailoverTests
{
    private static CoordinatorDriver WebOnN1(ConfigBuilder? builder = null, CoordinatorOptions? options = null)
    {
        var d = new CoordinatorDriver((builder ?? Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"])).Build(), options);
        d.Start("n1", "n2", "n3");
        Assert.Equal("n1", d.Owner("web"));
        return d;
    }

    [Theory]
    [InlineData("n1 n2", "n1")]
    [InlineData("n2 n1", "n2")]
    [InlineData("n3 n1 n2", "n3")]
    public void AGroupGoesToTheFirstNodeOfItsDomainWhenAllAreUpAndReported(string domain, string owner)
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: domain.Split(' ')).Build());
        var batch = d.Start("n1", "n2", "n3");
        Assert.Equal(["NodeJoined n1", "NodeJoined n2", "NodeJoined n3", $"GroupAssigned web {owner}"], batch.Short);
        var assigned = Assert.Single(batch.Of<GroupAssigned>());
        Assert.Equal((1L, false), (assigned.Generation, assigned.ActiveAttention));
        Assert.Equal((owner, GroupTarget.Running), (d.Owner("web"), d.Group("web").Target));
    }

    [Fact]
    public void ANodeThatHasNotReportedIsNotJoinedNorGivenAGroup()
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Build());
        d.Start("n2", "n3");
        Assert.Null(d.Owner("web")); // a forming cluster waits for every node, or one dead time
        d.Tick(d.Config.Cluster.Timing.DeadTime);
        Assert.Equal("n2", d.Owner("web"));
        Assert.NotEqual(NodeHealth.Up, d.State.Nodes["n1"].Health);
    }

    [Fact]
    public void TheOwnerLeavingIsFencedBeforeItsGroupStartsElsewhere()
    {
        var d = WebOnN1();

        var failed = d.Fail("n1");
        Assert.Equal(["NodeFailed n1", "FenceRequested n1 #1"], failed.Short);
        Assert.Equal([new FenceNode("n1", 1, "pdu", "1")], failed.Effects);
        Assert.Equal("n1", d.Owner("web"));

        // However long the fence takes, nothing moves.
        for (var i = 0; i < 10; i++)
            Assert.Empty(d.Tick(TimeSpan.FromSeconds(5)).Of<GroupAssigned>());
        Assert.Equal("n1", d.Owner("web"));

        var fenced = d.FenceSucceeds("n1");
        Assert.Equal(["NodeFenced n1", "GroupAssigned web n2"], fenced.Short);
        var assigned = fenced.Of<GroupAssigned>().Single();
        Assert.Equal(2, assigned.Generation);
        Assert.Contains("n1 failed and was fenced by pdu", assigned.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AFenceAnswerForAnotherAttemptIsIgnored()
    {
        var d = WebOnN1();
        d.Fail("n1");
        var stale = d.Raw(new FenceCompleted("n1", 7, true, "stale"));
        Assert.Empty(stale.Decisions);
        Assert.Equal("n1", d.Owner("web"));
    }

    /// <summary>Failed fence attempts: FenceFailed with retry time, delays 1 s, 2 s, 4 s … capped at 30 s; the group stays put.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(7, 30)]
    public void FencingFailureRetriesWithDoublingBackOff(int attempt, int delaySeconds)
    {
        var d = WebOnN1();
        d.Fail("n1");
        for (var a = 1; a <= attempt; a++)
        {
            Assert.Equal(a, d.LastFence("n1").Attempt);
            var failed = d.FenceFails("n1");
            var ff = Assert.Single(failed.Of<FenceFailed>());
            Assert.Empty(failed.Effects);
            if (a < attempt)
            {
                d.TickAt(ff.RetryAt);
                continue;
            }
            var delay = TimeSpan.FromSeconds(delaySeconds);
            Assert.Equal((attempt, d.Now + delay), (ff.Attempt, ff.RetryAt));
            Assert.Contains("web stay stopped", ff.Reason, StringComparison.Ordinal);
            Assert.Contains($"retry {attempt + 1} in {delaySeconds}s", ff.Reason, StringComparison.Ordinal);

            var early = d.Tick(delay - TimeSpan.FromMilliseconds(1));
            Assert.Empty(early.Decisions);
            Assert.Empty(early.Effects);

            var retry = d.Tick(TimeSpan.FromMilliseconds(1));
            Assert.Equal([$"FenceRequested n1 #{attempt + 1}"], retry.Short);
            Assert.Equal(attempt + 1, Assert.IsType<FenceNode>(Assert.Single(retry.Effects)).Attempt);
        }
        Assert.DoesNotContain(d.Decisions, x => x is GroupAssigned { Generation: > 1 });
        Assert.Equal("n1", d.Owner("web"));
    }

    [Fact]
    public void AFenceThatNeverAnswersIsRetriedAfterTheFenceTimeout()
    {
        var d = WebOnN1(options: new CoordinatorOptions { FenceTimeout = TimeSpan.FromSeconds(10) });
        d.Fail("n1");
        Assert.Empty(d.Tick(TimeSpan.FromSeconds(9.9)).Decisions);
        Assert.Equal(["FenceRequested n1 #2"], d.Tick(TimeSpan.FromSeconds(0.1)).Short); // a new number: a late answer to #1 is not taken for it
        Assert.Equal("n1", d.Owner("web"));
    }

    [Fact]
    public void ANodeWithoutAFenceDeviceKeepsItsGroupsUntilItsSelfFenceBoundPassed()
    {
        var config = Config.Nodes("n1", "n2", "n3").NoFence("n1").Group("web", domain: ["n1", "n2"]).Build();
        var bound = Vigil.Core.Quorum.SelfFenceBound.Of(config);
        var d = WebOnN1(Config.Nodes("n1", "n2", "n3").NoFence("n1").Group("web", domain: ["n1", "n2"]));

        var failed = d.Fail("n1");
        Assert.Equal(["NodeFailed n1"], failed.Short);
        Assert.Empty(failed.Effects);
        Assert.Contains(failed.Notices, n => n.StartsWith("n1 failed and has no fence device: web stay stopped until its self-fence bound", StringComparison.Ordinal));

        Assert.Empty(d.Tick(bound - TimeSpan.FromMilliseconds(1)).Decisions);
        Assert.Equal("n1", d.Owner("web"));
        Assert.DoesNotContain(d.Effects, e => e is FenceNode);
        Assert.Equal(["NodeFenced n1", "GroupAssigned web n2"], d.Tick(TimeSpan.FromMilliseconds(1)).Short);
    }

    [Fact]
    public void TheSelfFenceBoundCountsTwoDeadTimesFourHeartbeatsAndTheLongestStop()
    {
        // docs/design/quorum.md: one dead time for the leader's check-quorum, one for the node's lease, a heartbeat
        // each for two timers' granularity and message delay, and one because an unchanged lease renewal waits for
        // the next heartbeat to its node (the agent's routine bundles) — then the stops.
        var config = Config.Nodes("n1", "n2", "n3").NoFence("n1").Group("web", domain: ["n1", "n2"]).Build();
        var timing = config.Cluster.Timing;
        var stops = Vigil.Core.Quorum.SelfFenceBound.StopTime(config, new ResourceTypeCatalog(config.ResourceTypes), config.ResourceGroups[0]);
        Assert.True(stops > TimeSpan.Zero);
        Assert.Equal(2 * timing.DeadTime + 4 * timing.HeartbeatInterval + stops, Vigil.Core.Quorum.SelfFenceBound.Of(config));
    }

    [Fact]
    public void ANodeWithoutAFenceDeviceThatRejoinsInTimeKeepsItsGroups()
    {
        var config = Config.Nodes("n1", "n2", "n3").NoFence("n1").Group("web", domain: ["n1", "n2"]).Build();
        var d = WebOnN1(Config.Nodes("n1", "n2", "n3").NoFence("n1").Group("web", domain: ["n1", "n2"]));
        d.Fail("n1");
        d.Tick(Vigil.Core.Quorum.SelfFenceBound.Of(config) / 2);
        Assert.Equal(["NodeJoined n1"], d.Rejoin("n1").Short);
        Assert.Equal(("n1", GroupTarget.Running, 1L), (d.Owner("web"), d.Group("web").Target, d.Group("web").Generation));
        for (var i = 0; i < 20; i++)
            Assert.DoesNotContain(d.Tick(TimeSpan.FromSeconds(1)).Decisions, x => x is NodeFenced);
    }

    [Fact]
    public void TwoServersAndAWitnessSurviveOneDeadServer()
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2").Witness("w").Group("web", domain: ["n1", "n2"]).Build());
        d.Start("n1", "n2", "w");
        Assert.Equal("n1", d.Owner("web"));
        Assert.Equal(["NodeFailed n1", "FenceRequested n1 #1"], d.Fail("n1").Short);
        Assert.Equal(["NodeFenced n1", "GroupAssigned web n2"], d.FenceSucceeds("n1").Short);
    }

    /// <summary>
    /// TEST-ONLY option: a failed node is treated as fenced without running its fence device. It exists so the
    /// simulator's safety checker can prove it catches an unsafe policy (two owners after a partition).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UnsafeSkipFencingMovesWithoutAFence(bool skip)
    {
        var d = WebOnN1(options: new CoordinatorOptions { UnsafeSkipFencing = skip });
        var failed = d.Fail("n1");
        if (skip)
        {
            Assert.Equal(["NodeFailed n1", "NodeFenced n1", "GroupAssigned web n2"], failed.Short);
            Assert.StartsWith("UNSAFE", failed.Of<NodeFenced>().Single().Reason, StringComparison.Ordinal);
            Assert.Empty(failed.Effects);
        }
        else
        {
            Assert.Equal(["NodeFailed n1", "FenceRequested n1 #1"], failed.Short);
            Assert.IsType<FenceNode>(Assert.Single(failed.Effects));
        }
    }

    /// <summary>
    /// A new coordinator (the old one was on the failed node) starts without reports: it must wait for them,
    /// not release groups of healthy nodes it simply has not heard from yet.
    /// </summary>
    [Fact]
    public void ANewCoordinatorKeepsGroupsOfNodesItHasNotHeardFromYet()
    {
        var d = new CoordinatorDriver(Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2"]).Group("db", domain: ["n3", "n2"]).Build());
        d.Start("n1", "n2", "n3");
        Assert.Equal(("n1", "n3"), (d.Owner("web"), d.Owner("db")));

        d.Fail("n1");
        Assert.Equal("n2", d.Elected);
        Assert.DoesNotContain(d.Last.Decisions, x => x is GroupReleased);
        Assert.Equal(("n3", GroupTarget.Running), (d.Owner("db"), d.Group("db").Target));
        Assert.Equal(["NodeFenced n1", "GroupAssigned web n2"], d.FenceSucceeds("n1").Short);
    }

    [Fact]
    public void OnlyTheElectedCoordinatorActs()
    {
        var d = WebOnN1();
        Assert.Equal("n1", d.Elected);
        Assert.True(new Coordinator(d.Config, "n1").Step(TimeSpan.Zero, new StateCommitted(d.State)).IsEmpty); // no view: not active
    }
}
