using Vigil.Core.Configuration;
using Vigil.Core.Coordination;

namespace Vigil.Simulation;

/// <summary>Shape of random timelines. Defaults: 30 s of 6–14 fault episodes, then the settle phase.</summary>
public sealed record RandomScheduleOptions
{
    /// <summary>Faults begin within this time from the start. Default 30 s.</summary>
    public TimeSpan FaultPhase { get; init; } = TimeSpan.FromSeconds(30);

    public int EpisodesMin { get; init; } = 6;

    public int EpisodesMax { get; init; } = 14;

    /// <summary>Time for groups to settle after faults stopped, on top of the longest fence back-off. Default 60 s.</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest fence retry delay of the coordinator (added to the settle time). Default 30 s.</summary>
    public TimeSpan FenceRetryMax { get; init; } = CoordinatorOptions.Default.FenceRetryMax;
}

/// <summary>
/// A random fault timeline drawn from a seed: crashes and restarts, partitions (50/50 splits, single-node
/// isolation, random splits), one-way link cuts and heals, message fault windows, monitor and start failures,
/// fencing failures, critical device failures, operator moves and standby — then the settle phase: heal, restart
/// every node, clear every fault, put nodes back online, clear every group's failures (repeated, as commands can
/// be lost).
/// Liveness is judged from <see cref="LivenessFrom"/> until <see cref="LivenessDeadline"/>.
/// </summary>
public sealed record RandomSchedule(int Seed, IReadOnlyList<ScheduledAction> Actions, TimeSpan SettleFrom, TimeSpan LivenessFrom, TimeSpan LivenessDeadline)
{
    public static RandomSchedule Generate(ClusterConfig config, int seed, RandomScheduleOptions? options = null)
    {
        options ??= new RandomScheduleOptions();
        var random = new Random(seed);
        var episodes = new RandomEpisodes(config, random, options.FaultPhase);
        var count = random.Next(options.EpisodesMin, options.EpisodesMax + 1);
        for (var i = 0; i < count; i++) episodes.AddOne();
        var actions = episodes.Actions;
        var settleFrom = Round(actions.Select(a => a.At).DefaultIfEmpty().Max() + TimeSpan.FromMilliseconds(500));
        var deadline = settleFrom + options.SettleTime + options.FenceRetryMax;
        actions.AddRange(Settle(config, settleFrom, deadline, episodes.StandbyNodes));
        var ordered = actions.Select((a, i) => (a, i)).OrderBy(p => p.a.At).ThenBy(p => p.i).Select(p => p.a).ToList();
        return new RandomSchedule(seed, ordered, settleFrom, settleFrom + TimeSpan.FromSeconds(6), deadline);
    }

    /// <summary>
    /// Heal, clear, restart; then the operator's clean-up, at +1 s, +3 s, +6 s and every 5 s until the deadline
    /// (a command given to a coordinator that cannot commit is lost, as with a real CLI; runs that settled stop
    /// before the later rounds).
    /// </summary>
    private static IEnumerable<ScheduledAction> Settle(ClusterConfig config, TimeSpan at, TimeSpan deadline, IReadOnlyCollection<string> standbyNodes)
    {
        yield return new(at, new SimAction.Heal());
        yield return new(at, new SimAction.ClearFaults());
        foreach (var node in config.Nodes) yield return new(at, new SimAction.Restart(node.Name));
        var rounds = new[] { 1, 3 }.Concat(Enumerable.Range(0, int.MaxValue).Select(i => 6 + 5 * i))
            .Select(s => at + TimeSpan.FromSeconds(s)).TakeWhile(t => t < deadline);
        foreach (var when in rounds)
        {
            foreach (var node in standbyNodes)
                yield return new(when, new SimAction.Operator(new SetNodeAdmin(node, Core.Cluster.NodeAdminState.Online)));
            foreach (var group in config.ResourceGroups)
                yield return new(when, new SimAction.Operator(new ClearFailures(group.Name, null)));
        }
    }

    internal static TimeSpan Round(TimeSpan t) => TimeSpan.FromMilliseconds(Math.Round(t.TotalMilliseconds));
}
