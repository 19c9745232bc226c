using Vigil.Core.Consensus;

namespace Vigil.Core.Tests.Consensus;

/// <summary>
/// Randomized runs: 3–5 nodes under random delivery order, drops, duplicates, partitions, restarts, compactions
/// and proposals, with <see cref="RaftSafetyChecker"/> after every step.
/// </summary>
public sealed class RaftRandomizedTests
{
    private const int Steps = 500;

    [Fact]
    public void Safety_holds_over_300_random_schedules()
    {
        var totalCommitted = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var (violation, committed) = Run(seed, unsafeVotes: false);
            Assert.True(violation is null, $"seed {seed}: {violation}");
            totalCommitted += committed;
        }
        // The schedules make progress, so the checks are not vacuous.
        Assert.True(totalCommitted > 300 * 10, $"only {totalCommitted} entries committed over 300 seeds");
    }

    [Fact]
    public void The_checker_catches_votes_granted_without_the_log_check()
    {
        // With UnsafeGrantVotesWithoutLogCheck a node missing committed entries can win an election. The checker
        // reports it as a leader-completeness violation the moment such a leader is elected (a leader of a later
        // term lacks an entry seen committed), before it overwrites anything on the others.
        string? violation = null;
        for (var seed = 0; seed < 200 && violation is null; seed++)
            violation = Run(seed, unsafeVotes: true).Violation;
        Assert.NotNull(violation);
        Assert.Contains("leader completeness", violation);
    }

    /// <summary>One random schedule; returns the first violation (or null) and how many entries were committed.</summary>
    internal static (string? Violation, int Committed) Run(int seed, bool unsafeVotes)
    {
        var random = new Random(seed);
        var count = 3 + random.Next(3);
        var options = new RaftOptions(
            ElectionTicks: 5,
            HeartbeatTicks: 1,
            MaxEntriesPerAppend: 1 + random.Next(4),
            MaxBytesPerAppend: 64,
            MaxUncommittedEntries: 20,
            UnsafeGrantVotesWithoutLogCheck: unsafeVotes);
        var network = RaftTestNetwork.Of(count, options, seed);
        var checker = new RaftSafetyChecker(network);
        var ids = network.Ids.ToArray();
        var proposals = 0;
        for (var step = 0; step < Steps; step++)
        {
            try
            {
                Act(network, random, ids, seed, ref proposals);
            }
            catch (InvariantViolationException e)
            {
                return ($"step {step}: {checker.Check() ?? "a node's own invariant: " + e.Message}", checker.CommittedCount);
            }
            if (checker.Check() is { } violation) return ($"step {step}: {violation}", checker.CommittedCount);
        }
        return (null, checker.CommittedCount);
    }

    /// <summary>One random step: deliver (in any order), drop or duplicate a message, tick, propose, partition, heal, restart or compact.</summary>
    private static void Act(RaftTestNetwork network, Random random, string[] ids, int seed, ref int proposals)
    {
        var roll = random.Next(100);
        var flight = network.InFlight;
        var id = ids[random.Next(ids.Length)];
        switch (roll)
        {
            case < 50 when flight.Count > 0: network.DeliverAt(random.Next(flight.Count)); break;
            case < 54 when flight.Count > 0: flight.RemoveAt(random.Next(flight.Count)); break;
            case < 56 when flight.Count > 0: network.DeliverAt(random.Next(flight.Count), keep: true); break;
            case < 60: network.DeliverAll(); break;
            case < 74: network.Tick(id); break;
            case < 77: network.TickAll(); break;
            case < 88: network.Propose(SomeLeader(network, random) ?? id, $"s{seed}-p{proposals++}"); break;
            case < 90: network.Partition(RandomSplit(random, ids)); break;
            case < 93: network.Heal(); break;
            case < 95: network.Restart(id); break;
            case < 97: network.Compact(id); break;
            default: network.Tick(id); break;
        }
    }

    /// <summary>A node that believes it leads (stale leaders included), or null.</summary>
    private static string? SomeLeader(RaftTestNetwork network, Random random)
    {
        var leaders = network.Ids.Where(id => network[id].Role == RaftRole.Leader).ToList();
        return leaders.Count == 0 ? null : leaders[random.Next(leaders.Count)];
    }

    private static string[][] RandomSplit(Random random, string[] ids)
    {
        var groups = new List<string>[2] { [], [] };
        foreach (var id in ids) groups[random.Next(2)].Add(id);
        return [.. groups.Select(g => g.ToArray())];
    }
}
