using System.Collections.Immutable;
using Vigil.Cli.Agent;
using Vigil.Core.Consensus;

namespace Vigil.Agent.Tests.Loop;

/// <summary>The loop's order for one Ready: appends before the fsync only when there is one to overlap; a waiting request answered before the messages.</summary>
public sealed class ReadyOrderTests
{
    private static LogEntry Entry(long index) => new(index, 2, [1, 2, 3]);

    private static readonly AppendRequest CommitNotice = new("n1", "n2", 2, 7, 2, [], 8);

    private static RaftReady Ready(LogEntry[]? entries = null, LogEntry[]? committed = null, Snapshot? snapshot = null, HardState? hardState = null) =>
        new(hardState, [.. entries ?? []], snapshot, [CommitNotice], [.. committed ?? []]);

    [Fact]
    public void Appends_go_out_before_the_fsync_of_entries_or_a_snapshot_and_with_the_rest_when_only_the_commit_moved()
    {
        Assert.True(ReadyOrder.AppendsBeforePersist(Ready(entries: [Entry(9)])));
        Assert.True(ReadyOrder.AppendsBeforePersist(Ready(snapshot: new Snapshot(5, 2, RaftMembership.Of(["n1", "n2", "n3"]), [1]))));
        Assert.False(ReadyOrder.AppendsBeforePersist(Ready(committed: [Entry(8)], hardState: new HardState(2, "n1", 8))));
        Assert.False(ReadyOrder.AppendsBeforePersist(Ready()));
    }

    [Fact]
    public void The_one_committed_entry_a_request_here_waits_for_is_answered_before_the_messages_go_out()
    {
        var waiting = new HashSet<long> { 8 };
        Assert.Equal(8, ReadyOrder.AnswerBeforeSending(Ready(committed: [Entry(8)]), appliedIndex: 7, waiting.Contains)?.Index);
        // The same with entries to persist (the leader's next proposal): still after the persist, before the other messages.
        Assert.Equal(8, ReadyOrder.AnswerBeforeSending(Ready(entries: [Entry(9)], committed: [Entry(8)]), 7, waiting.Contains)?.Index);
        // Nobody waits here (a follower, or an entry of the coordinator): applied after the messages.
        Assert.Null(ReadyOrder.AnswerBeforeSending(Ready(committed: [Entry(8)]), 7, _ => false));
        // Several entries commit at once, or the entry is not the next to apply, or a snapshot comes with it: the usual order.
        Assert.Null(ReadyOrder.AnswerBeforeSending(Ready(committed: [Entry(7), Entry(8)]), 6, waiting.Contains));
        Assert.Null(ReadyOrder.AnswerBeforeSending(Ready(committed: [Entry(8)]), 8, waiting.Contains));
        Assert.Null(ReadyOrder.AnswerBeforeSending(Ready(committed: [Entry(8)], snapshot: new Snapshot(7, 2, RaftMembership.Of(["n1", "n2", "n3"]), [1])), 7, waiting.Contains));
    }
}
