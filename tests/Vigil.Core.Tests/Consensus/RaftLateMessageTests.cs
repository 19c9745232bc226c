using Vigil.Core.Consensus;
using static Vigil.Core.Tests.Consensus.RaftFixtures;

namespace Vigil.Core.Tests.Consensus;

/// <summary>
/// A message the host handles late (a routine keep-alive read in a batch): Step's ageTicks makes contact count from
/// its arrival, so a follower's election timer and a leader's check-quorum see the true silence.
/// </summary>
public sealed class RaftLateMessageTests
{
    private const int E = 10;
    private static readonly RaftOptions Options = new(ElectionTicks: E, ElectionSpreadTicks: 1);

    private static int TicksUntilPreVote(int ageTicks, int? fresherAge = null)
    {
        var node = NewNode("n2", options: Options);
        node.Step(Append("n1", "n2", 1, 0, 0, 0), ageTicks);
        if (fresherAge is { } age) node.Step(Append("n1", "n2", 1, 0, 0, 0), age);
        node.TakeReady();
        var ticks = 0;
        while (node.Role != RaftRole.PreCandidate && ticks < 100)
        {
            node.Tick();
            ticks++;
        }
        return ticks;
    }

    [Fact]
    public void A_keep_alive_handled_late_restarts_the_election_timer_from_its_arrival()
    {
        Assert.Equal(E, TicksUntilPreVote(0));
        Assert.Equal(E - 4, TicksUntilPreVote(4));
    }

    [Fact]
    public void A_late_copy_never_undoes_a_fresher_contact_and_the_age_is_capped_below_an_election_timeout()
    {
        Assert.Equal(E, TicksUntilPreVote(0, fresherAge: 6));
        Assert.Equal(E - 2, TicksUntilPreVote(6, fresherAge: 2));
        Assert.Equal(1, TicksUntilPreVote(1000)); // capped at E - 1: the follower still accepts the leader
    }

    [Fact]
    public void A_late_answer_counts_for_check_quorum_from_its_arrival()
    {
        int TicksLeading(int ageTicks)
        {
            var leader = NewNode("n1", options: Options);
            ElectWithGrantedVotes(leader);
            leader.TakeReady();
            for (var i = 0; i < 5; i++) leader.Tick(); // the followers' contact, from the election, is 5 ticks old
            leader.TakeReady();
            foreach (var follower in new[] { "n2", "n3" })
                leader.Step(new AppendResponse(follower, "n1", leader.Term, true, 1, 1), ageTicks);
            var ticks = 0;
            while (leader.Role == RaftRole.Leader && ticks < 100)
            {
                leader.Tick();
                ticks++;
            }
            return ticks;
        }

        Assert.Equal(E, TicksLeading(0));
        Assert.Equal(E - 3, TicksLeading(3));
    }
}
