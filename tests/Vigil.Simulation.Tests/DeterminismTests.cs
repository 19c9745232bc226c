using Vigil.Simulation.Testing;

namespace Vigil.Simulation.Tests;

/// <summary>A seed is a replay: the same seed and timeline give the same event log, byte for byte.</summary>
public sealed class DeterminismTests
{
    [Theory]
    [InlineData("ls5", 42)]
    [InlineData("tb4", 7)]
    [InlineData("ha3", 1234)]
    public void Same_seed_twice_gives_an_identical_event_log(string configName, int seed)
    {
        var config = TestConfigs.All().Single(c => c.Name == configName).Config;
        Assert.Equal(Run(config, seed), Run(config, seed));
    }

    [Fact]
    public void Different_seeds_give_different_runs()
    {
        var config = TestConfigs.FiveNodesLoadSharing();
        Assert.NotEqual(Run(config, 1), Run(config, 2));
    }

    [Fact]
    public void Random_schedules_are_a_function_of_the_seed()
    {
        var config = TestConfigs.FourNodesTiebreaker();
        static List<string> Text(RandomSchedule s) => s.Actions.Select(a => $"{a.At} {a.Action.Describe()}").ToList();
        Assert.Equal(Text(RandomSchedule.Generate(config, 9)), Text(RandomSchedule.Generate(config, 9)));
        Assert.NotEqual(Text(RandomSchedule.Generate(config, 9)), Text(RandomSchedule.Generate(config, 10)));
    }

    private static string Run(Core.Configuration.ClusterConfig config, int seed)
    {
        var schedule = RandomSchedule.Generate(config, seed);
        var sim = SimulationRunner.Prepare(config, schedule, new SimulationOptions { LogDebug = true });
        SimulationRunner.RunToVerdict(sim, schedule);
        return sim.EventLog.ToText();
    }
}
