using Vigil.Core.Consensus;
using static Vigil.Core.Tests.Consensus.RaftFixtures;

namespace Vigil.Core.Tests.Consensus;

/// <summary>The Ready hand-over: hard state only on change, entries to persist, committed entries exactly once, messages in order.</summary>
public sealed class RaftReadyTests
{
    [Fact]
    public void A_fresh_node_has_nothing_ready()
    {
        var node = NewNode("n1");

        Assert.False(node.HasReady);
        Assert.True(node.TakeReady().IsEmpty);
    }

    [Fact]
    public void Hard_state_is_handed_over_only_when_term_vote_or_commit_changed()
    {
        var node = NewNode("n2");
        node.Step(Append("n1", "n2", 1, 0, 0, 0, Entry(1, 1)));
        var first = node.TakeReady();
        node.Step(Append("n1", "n2", 1, 1, 1, 0));
        var heartbeat = node.TakeReady();
        node.Step(Append("n1", "n2", 1, 1, 1, 1));
        var commit = node.TakeReady();

        Assert.Equal(new HardState(1, null, 0), first.HardState);
        Assert.Null(heartbeat.HardState);
        Assert.Single(heartbeat.Messages);
        Assert.Equal(new HardState(1, null, 1), commit.HardState);
    }

    [Fact]
    public void Entries_are_handed_over_for_persisting_once_and_committed_ones_for_applying_once()
    {
        var node = NewNode("n2");
        node.Step(Append("n1", "n2", 1, 0, 0, 0, Entry(1, 1, "a"), Entry(2, 1, "b")));
        node.Step(Append("n1", "n2", 1, 2, 1, 1, Entry(3, 1, "c")));
        var first = node.TakeReady();
        node.Step(Append("n1", "n2", 1, 3, 1, 3));
        var second = node.TakeReady();

        Assert.Equal(["a", "b", "c"], Texts(first.Entries));
        Assert.Equal(["a"], Texts(first.Committed));
        Assert.Equal([2L, 3L], first.Messages.OfType<AppendResponse>().Select(r => r.MatchIndex)); // in generation order
        Assert.Empty(second.Entries);
        Assert.Equal(["b", "c"], Texts(second.Committed));
        Assert.False(node.HasReady);
    }

    [Fact]
    public void Overwritten_entries_are_handed_over_from_the_first_changed_index()
    {
        var node = NewNode("n2");
        node.Step(Append("n1", "n2", 1, 0, 0, 0, Entry(1, 1, "a"), Entry(2, 1, "b"), Entry(3, 1, "c")));
        node.TakeReady();
        node.Step(Append("n3", "n2", 2, 1, 1, 0, Entry(2, 2, "B")));

        var ready = node.TakeReady();

        Assert.Equal([2L], ready.Entries.Select(e => e.Index));
        Assert.Equal(["a", "B"], Texts(node.Log.Entries));
    }

    [Fact]
    public void Messages_to_another_node_are_ignored()
    {
        var node = NewNode("n1");

        node.Step(new VoteRequest("n2", "n3", 5, 0, 0));

        Assert.Equal(0, node.Term);
        Assert.False(node.HasReady);
    }
}
