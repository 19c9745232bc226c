using Vigil.Core.Configuration;
using Vigil.Simulation.Testing;
using Xunit.Abstractions;
using static Vigil.Simulation.Tests.SimulationAssert;

namespace Vigil.Simulation.Tests;

/// <summary>The seeds' stories: targeted timelines with an expected outcome.</summary>
public sealed class ScenarioTests(ITestOutputHelper output)
{
    private static readonly SimulationOptions PowerOff = new() { Seed = 7, FenceMode = FenceMode.Off };

    [Fact]
    public void A_quiet_cluster_places_every_group_on_its_first_domain_node()
    {
        var sim = new Simulation(TestConfigs.ThreeNodesOrderedFailback(), new SimulationOptions { Seed = 1 });
        sim.RunUntil(S(5));
        NoViolation(sim, output);
        SettledOn(sim, "web", "n1", output);
        SettledOn(sim, "db", "n2", output);
    }

    [Fact]
    public void Owner_crash_is_fenced_then_the_group_runs_on_the_next_domain_node()
    {
        var sim = new Simulation(TestConfigs.ThreeNodesOrderedFailback(), PowerOff);
        sim.Schedule(S(5), new SimAction.Kill("n1"));
        sim.RunUntil(S(10));
        NoViolation(sim, output);
        Logged(sim, SimLogKind.Decision, "n1 fenced", output);
        SettledOn(sim, "web", "n2", output);
        SettledOn(sim, "db", "n2", output);
    }

    [Fact]
    public void Fencing_failure_keeps_the_group_stopped_and_retries_with_back_off_until_fencing_works()
    {
        var sim = new Simulation(TestConfigs.ThreeNodesOrderedFailback(), PowerOff);
        sim.Schedule(S(4), new SimAction.FailFence("n1", true));
        sim.Schedule(S(5), new SimAction.Kill("n1"));
        sim.Schedule(S(12), new SimAction.FailFence("n1", false));
        sim.RunUntil(S(12));
        NoViolation(sim, output);
        Assert.Empty(sim.Placement["web"].RunningOn);
        var failures = sim.EventLog.Entries.Where(e => e.Kind == SimLogKind.Decision && e.Message.StartsWith("fencing n1 failed", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count >= 2, $"expected retries, got {failures.Count} fence failures");
        var gaps = failures.Zip(failures.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.True(gaps.Zip(gaps.Skip(1), (a, b) => b > a).All(grows => grows), "retry gaps should grow (back-off): " + string.Join(", ", gaps));

        sim.RunUntil(S(45));
        NoViolation(sim, output);
        Logged(sim, SimLogKind.Decision, "n1 fenced", output);
        SettledOn(sim, "web", "n2", output);
    }

    [Fact]
    public void Two_two_partition_lets_the_tiebreaker_side_fence_the_other_and_run_the_groups()
    {
        var sim = new Simulation(TestConfigs.FourNodesTiebreaker(), PowerOff);
        sim.RunUntil(S(5));
        NoViolation(sim, output);
        sim.Schedule(S(5), new SimAction.Partition([["n1", "n2"], ["n3", "n4"]]));
        sim.RunUntil(S(12));
        NoViolation(sim, output);
        Logged(sim, SimLogKind.Decision, "n3 fenced", output);
        Logged(sim, SimLogKind.Decision, "n4 fenced", output);
        Assert.False(sim.IsUp("n3"));
        Assert.False(sim.IsUp("n4"));
        foreach (var group in new[] { "web", "db" })
            Assert.Contains(sim.Placement[group].SettledOn, new[] { "n1", "n2" });
    }

    [Fact]
    public void Minority_with_no_quorum_stop_stops_its_groups_on_its_own()
    {
        var config = TestConfigs.ThreeNodesOrderedFailback();
        Assert.Equal(NoQuorumAction.Stop, config.Cluster.NoQuorum);
        var sim = new Simulation(config, PowerOff);
        sim.RunUntil(S(5));
        SettledOn(sim, "web", "n1", output);
        // The majority cannot fence n1, so only n1's own no_quorum: stop brings web down.
        sim.Schedule(S(5), new SimAction.FailFence("n1", true));
        sim.Schedule(S(5), new SimAction.Partition([["n1"], ["n2", "n3"]]));
        sim.RunUntil(S(8));
        NoViolation(sim, output);
        Assert.Empty(sim.RunningOn("n1"));
        Assert.True(sim.IsUp("n1"), "n1 stopped its groups itself; nobody fenced it");
        Assert.Empty(sim.Placement["web"].RunningOn);
    }

    [Fact]
    public void A_persistent_start_failure_moves_the_group_to_the_next_node()
    {
        var sim = new Simulation(TestConfigs.ThreeNodesOrderedFailback(), new SimulationOptions { Seed = 3 });
        sim.Schedule(S(0), new SimAction.FailStart("web-app", "n1", Persistent: true));
        sim.RunUntil(S(8));
        NoViolation(sim, output);
        Logged(sim, SimLogKind.Decision, "web failed on n1", output);
        SettledOn(sim, "web", "n2", output);
    }

    [Fact]
    public void Two_nodes_killing_the_non_tiebreaker_lets_the_tiebreaker_fence_it_and_run_its_group()
    {
        var sim = new Simulation(TestConfigs.TwoNodes(), PowerOff);
        sim.RunUntil(S(5));
        NoViolation(sim, output);
        SettledOn(sim, "web", "n1", output);
        SettledOn(sim, "db", "n2", output);
        sim.Schedule(S(5), new SimAction.Kill("n2"));
        sim.RunUntil(S(12));
        NoViolation(sim, output);
        Logged(sim, SimLogKind.Decision, "n2 fenced", output);
        Assert.False(sim.IsUp("n2"));
        Assert.Equal(Core.Consensus.RaftRole.Leader, sim.RoleOf("n1"));
        SettledOn(sim, "web", "n1", output);
        SettledOn(sim, "db", "n1", output);
    }

    [Fact]
    public void Two_nodes_killing_the_tiebreaker_leaves_the_survivor_without_quorum_so_it_stops_its_group()
    {
        var sim = new Simulation(TestConfigs.TwoNodes(), PowerOff);
        sim.RunUntil(S(5));
        SettledOn(sim, "db", "n2", output);
        sim.Schedule(S(5), new SimAction.Kill("n1"));
        sim.RunUntil(S(15));
        NoViolation(sim, output);
        Assert.True(sim.IsUp("n2"), "nobody can fence n2: it stops its group itself");
        Assert.NotEqual(Core.Consensus.RaftRole.Leader, sim.RoleOf("n2"));
        Assert.Empty(sim.RunningOn("n2"));
        Assert.Empty(sim.Placement["web"].RunningOn);
        Assert.Empty(sim.Placement["db"].RunningOn);
        Assert.DoesNotContain(sim.EventLog.Entries, e => e.Kind == SimLogKind.Decision && e.At > S(5));
    }

    [Fact]
    public void Two_nodes_split_the_tiebreaker_fences_the_other_and_runs_both_groups()
    {
        var sim = new Simulation(TestConfigs.TwoNodes(), PowerOff);
        sim.RunUntil(S(5));
        SettledOn(sim, "db", "n2", output);
        sim.Schedule(S(5), new SimAction.Partition([["n1"], ["n2"]]));
        sim.RunUntil(S(12));
        NoViolation(sim, output);
        Logged(sim, SimLogKind.Notice, "stopping db: this node lost quorum", output);
        Logged(sim, SimLogKind.Decision, "n2 fenced", output);
        Assert.False(sim.IsUp("n2"));
        SettledOn(sim, "web", "n1", output);
        SettledOn(sim, "db", "n1", output);
    }

    [Fact]
    public void A_node_that_can_no_longer_send_is_fenced_by_the_others_though_it_still_hears_them()
    {
        var sim = new Simulation(TestConfigs.ThreeNodesOrderedFailback(), PowerOff);
        sim.RunUntil(S(5));
        SettledOn(sim, "web", "n1", output);
        sim.Schedule(S(5), new SimAction.OneWayCut("n1", "n2"));
        sim.Schedule(S(5), new SimAction.OneWayCut("n1", "n3"));
        sim.RunUntil(S(12));
        NoViolation(sim, output);
        Assert.True(sim.Truth.HasOneWayCuts);
        Logged(sim, SimLogKind.Decision, "n1 fenced", output);
        Assert.False(sim.IsUp("n1"));
        SettledOn(sim, "web", "n2", output);
        SettledOn(sim, "db", "n2", output);
    }
}
