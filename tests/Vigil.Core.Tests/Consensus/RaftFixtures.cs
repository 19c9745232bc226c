using System.Collections.Immutable;
using System.Text;
using Vigil.Core.Consensus;

namespace Vigil.Core.Tests.Consensus;

/// <summary>Small builders for tests that drive a single <see cref="RaftNode"/> with hand-made messages.</summary>
internal static class RaftFixtures
{
    public static readonly RaftMembership Three = RaftMembership.Of(["n1", "n2", "n3"]);

    public static RaftNode NewNode(string id, RaftMembership? membership = null, RaftRestore? restore = null, RaftOptions? options = null, int seed = 1) =>
        new(id, membership ?? Three, restore ?? RaftRestore.Empty, options ?? new RaftOptions(), seed);

    public static LogEntry Entry(long index, long term, string data = "x", RaftMembership? membership = null) =>
        new(index, term, Encoding.UTF8.GetBytes(data), membership);

    public static AppendRequest Append(string from, string to, long term, long prevIndex, long prevTerm, long commit, params LogEntry[] entries) =>
        new(from, to, term, prevIndex, prevTerm, [.. entries], commit);

    /// <summary>Takes the node's Ready and returns the messages of type <typeparamref name="T"/> in it.</summary>
    public static List<T> Sent<T>(RaftNode node) where T : RaftMessage => [.. node.TakeReady().Messages.OfType<T>()];

    /// <summary>Ticks <paramref name="node"/> until <paramref name="done"/> holds; fails the test after <paramref name="maxTicks"/>.</summary>
    public static void TickUntil(RaftNode node, Func<bool> done, int maxTicks = 1000)
    {
        for (var i = 0; i < maxTicks && !done(); i++) node.Tick();
        Assert.True(done(), $"{node.Id}: condition not reached in {maxTicks} ticks");
    }

    /// <summary>Elects <paramref name="node"/> by ticking it and granting every pre-vote and vote it asks for.</summary>
    public static void ElectWithGrantedVotes(RaftNode node, int maxTicks = 1000)
    {
        for (var i = 0; i < maxTicks && node.Role != RaftRole.Leader; i++)
        {
            node.Tick();
            foreach (var m in node.TakeReady().Messages)
            {
                if (m is PreVoteRequest p) node.Step(new PreVoteResponse(p.To, node.Id, p.Term, true));
                if (m is VoteRequest v) node.Step(new VoteResponse(v.To, node.Id, v.Term, true));
            }
        }
        Assert.Equal(RaftRole.Leader, node.Role);
    }

    public static string Text(LogEntry entry) => Encoding.UTF8.GetString(entry.Data);

    public static string[] Texts(IEnumerable<LogEntry> entries) => [.. entries.Select(Text)];
}
