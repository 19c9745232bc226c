using Vigil.Core.Configuration;
using Vigil.Core.Interfaces;
using static Vigil.Core.Interfaces.InterfaceEventKinds;
using static Vigil.Core.Tests.Interfaces.InterfaceRig;

namespace Vigil.Core.Tests.Interfaces;

/// <summary>Probe targets: discovery, and "all targets down" (flush and rediscover, no failover).</summary>
public class InterfaceTargetTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static InterfaceGroupConfig Auto(InterfaceConfig[]? interfaces = null) => Group(interfaces, targets: []);

    private static int Discoveries(InterfaceRig rig, string name, int mark = 0) =>
        rig.Since(mark).OfType<DiscoverTargets>().Count(d => d.Interface == name);

    [Fact]
    public void WithoutConfiguredTargetsEachInterfaceWithATestAddressAsksForTargetsAtStart()
    {
        var rig = new InterfaceRig(Auto([If("a0", "a1"), If("a1", "a0"), If("a2", test: false)]), linksUp: false);
        Assert.Equal([new DiscoverTargets("a0", "10.0.0.10"), new DiscoverTargets("a1", "10.0.0.11")], rig.Log.OfType<DiscoverTargets>());
    }

    [Fact]
    public void ConfiguredTargetsApplyToEveryInterfaceWithoutDiscovery()
    {
        var rig = new InterfaceRig();
        Assert.Empty(rig.Log.OfType<DiscoverTargets>());
        Assert.Equal(Targets, rig.Interface("a1").Targets);
    }

    [Fact]
    public void DiscoveredTargetsAreTheFirstFiveDistinctOnesThatAreNotOurOwnTestAddresses()
    {
        var rig = new InterfaceRig(Auto());
        rig.Step(new TargetsDiscovered("a0", ["10.0.0.11", "10.50.0.1", "10.50.0.1", "10.50.0.2", "10.50.0.3", "10.50.0.4",
            "10.50.0.5", "10.50.0.6"]));

        Assert.Equal(["10.50.0.1", "10.50.0.2", "10.50.0.3", "10.50.0.4", "10.50.0.5"], rig.Interface("a0").Targets);
        Assert.Equal(["probe targets of interface a0 in group public: 10.50.0.1, 10.50.0.2, 10.50.0.3, 10.50.0.4, 10.50.0.5"],
            rig.Events(TargetsFound));
        Assert.DoesNotContain("NOPROBE", rig.Interface("a0").Flags);
        Assert.Contains("NOPROBE", rig.Interface("a1").Flags);
    }

    [Fact]
    public void AnInterfaceWithoutTargetsAsksAgainEveryFailureDetectionTime()
    {
        var rig = new InterfaceRig(Auto());
        rig.Discovery["a0"] = [];
        rig.Step(new TargetsDiscovered("a0", []));
        rig.Run(S(25));

        Assert.Equal(3, Discoveries(rig, "a0")); // at 0, 10 and 20 s
        Assert.Empty(rig.Log.OfType<SendProbe>());
        Assert.Empty(rig.Events(TargetsFound));
    }

    [Fact]
    public void WhenEveryTargetStopsAnsweringOnEveryInterfaceTheTargetsAreFlushedAndNothingMoves()
    {
        var rig = new InterfaceRig(Auto());
        rig.Discovery["a0"] = rig.Discovery["a1"] = ["10.50.0.1"];
        rig.Step(new TargetsDiscovered("a0", ["10.50.0.1"]));
        rig.Step(new TargetsDiscovered("a1", ["10.50.0.1"]));
        rig.Start();
        var mark = rig.Mark;

        rig.DeadTargets.Add("10.50.0.1");
        rig.RunUntil(() => rig.Events(TargetsFlushed, mark).Count > 0);

        Assert.Equal(["every probe target of interface group public stopped answering on a0, a1: not an interface failure; " +
            "nothing moves, discovering new targets"], rig.Events(TargetsFlushed, mark));
        Assert.Equal((1, 1), (Discoveries(rig, "a0", mark), Discoveries(rig, "a1", mark)));
        Assert.Equal((0, 0), (rig.Interface("a0").Probes.MissStreak, rig.Interface("a1").Probes.MissStreak));
        rig.Run(S(30));
        Assert.Empty(rig.Events(InterfaceFailed, mark));
        Assert.Empty(rig.Places(mark));
        Assert.Equal(InterfaceGroupState.Ok, rig.Machine.View().State);
    }

    [Fact]
    public void ConfiguredTargetsAreReinstatedAfterAFlush()
    {
        var rig = new InterfaceRig();
        rig.DeadTargets.UnionWith(Targets);
        rig.RunUntil(() => rig.Events(TargetsFlushed).Count > 0);

        Assert.EndsWith("nothing moves, starting over with the configured targets", rig.Events(TargetsFlushed)[0]);
        Assert.Empty(rig.Log.OfType<DiscoverTargets>());
        Assert.Equal(Targets, rig.Interface("a0").Targets);
        Assert.Equal(0, rig.Interface("a0").Probes.MissStreak);
        Assert.Empty(rig.Events(InterfaceFailed));
    }

    [Fact]
    public void ASingleInterfaceGroupCannotTellDeadTargetsFromADeadInterfaceAndFailsIt()
    {
        var rig = new InterfaceRig(Group([If("a0")]));
        rig.DeadTargets.UnionWith(Targets);
        rig.RunUntil(() => rig.State("a0") == InterfaceState.Failed);
        Assert.Empty(rig.Events(TargetsFlushed));
        Assert.Equal(InterfaceGroupState.Failed, rig.Machine.View().State);
    }

    [Fact]
    public void TheLastUsableProbingInterfaceFailsWhenItsTargetsStopAnswering()
    {
        var rig = new InterfaceRig();
        rig.Start();
        rig.Link("a1", running: false);
        rig.DeadTargets.UnionWith(Targets);
        rig.RunUntil(() => rig.State("a0") == InterfaceState.Failed);
        Assert.Empty(rig.Events(TargetsFlushed));
        Assert.Equal("a0", rig.Current());
    }

    [Fact]
    public void AFlushDoesNotLetTheLinkAloneRepairAnInterfaceThatFailedItsProbes()
    {
        var rig = new InterfaceRig(Auto([If("a0"), If("a1"), If("a2")]));
        foreach (var name in new[] { "a0", "a1", "a2" })
            rig.Step(new TargetsDiscovered(name, ["10.50.0.1"]));
        rig.Silent.Add("a0");
        rig.RunUntil(() => rig.State("a0") == InterfaceState.Failed);

        rig.DeadTargets.Add("10.50.0.1"); // a1 and a2 now miss too: the targets are dead
        rig.RunUntil(() => rig.Events(TargetsFlushed).Count > 0);
        rig.Silent.Remove("a0");
        rig.Run(S(5)); // discovery not answered yet

        Assert.Equal(InterfaceState.Failed, rig.State("a0"));
        Assert.Empty(rig.Interface("a0").Targets);
    }
}
