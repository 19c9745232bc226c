using Vigil.Core.Configuration;
using Vigil.Simulation.Testing;
using Xunit.Abstractions;
using static Vigil.Simulation.Tests.SimulationAssert;

namespace Vigil.Simulation.Tests;

/// <summary>A checker that cannot fail is no check: an unsafe coordinator (no fencing) must be caught.</summary>
public sealed class SafetyCheckerTests(ITestOutputHelper output)
{
    private static readonly SimulationOptions Unsafe = new() { Seed = 11, UnsafeSkipFencing = true };

    [Fact]
    public void Skipping_fencing_with_no_quorum_freeze_gives_a_double_owner()
    {
        var config = TestConfigs.ThreeNodesFreeze();
        var sim = new Simulation(config, Unsafe);
        sim.RunUntil(S(5));
        SettledOn(sim, "web", "n1", output);
        sim.Schedule(S(5), new SimAction.Partition([["n1"], ["n2", "n3"]]));
        sim.RunUntil(S(15));
        output.WriteLine(sim.EventLog.ToText());
        var violation = Assert.Single(sim.Violations);
        Assert.Equal(ViolationKind.DoubleOwner, violation.Kind);
        Assert.Contains("group web runs on", violation.Message, StringComparison.Ordinal);
        Assert.Equal(11, violation.Seed);
        Assert.NotEmpty(violation.Trace);
    }

    [Fact]
    public void The_same_timeline_with_fencing_is_safe()
    {
        var sim = new Simulation(TestConfigs.ThreeNodesFreeze(), Unsafe with { UnsafeSkipFencing = false });
        sim.Schedule(S(5), new SimAction.Partition([["n1"], ["n2", "n3"]]));
        sim.RunUntil(S(15));
        NoViolation(sim, output);
        SettledOn(sim, "web", "n2", output);
    }

    [Theory]
    [InlineData("freeze3")]
    [InlineData("ha3")]
    public void Random_runs_with_the_unsafe_option_find_violations(string configName)
    {
        var config = TestConfigs.All().Single(c => c.Name == configName).Config;
        var results = SimulationRunner.RunRandom(config, Enumerable.Range(1, 100), new SimulationOptions { UnsafeSkipFencing = true },
            parallelism: Environment.ProcessorCount);
        var found = results.Where(r => r.Violation?.Kind == ViolationKind.DoubleOwner).ToList();
        output.WriteLine($"{found.Count} of {results.Count} unsafe runs broke safety, e.g. {found.FirstOrDefault()?.Violation}");
        Assert.NotEmpty(found);
    }

    [Fact]
    public void A_no_quorum_stop_node_still_running_past_its_deadline_is_caught()
    {
        // no_quorum: stop honoured by the controller: the check must stay quiet on the minority…
        var sim = new Simulation(TestConfigs.ThreeNodesOrderedFailback(), new SimulationOptions { Seed = 5, FenceMode = FenceMode.Off });
        sim.Schedule(S(5), new SimAction.FailFence("n1", true));
        sim.Schedule(S(5), new SimAction.Partition([["n1"], ["n2", "n3"]]));
        sim.RunUntil(S(20));
        NoViolation(sim, output);
        Assert.Equal(NoQuorumAction.Stop, sim.Config.Cluster.NoQuorum);
    }
}
