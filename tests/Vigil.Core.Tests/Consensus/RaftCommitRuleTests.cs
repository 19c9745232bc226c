using Vigil.Core.Consensus;

namespace Vigil.Core.Tests.Consensus;

/// <summary>
/// The commit rule (Raft §5.4.2, Figure 8): a leader commits by counting replicas only entries of its own term;
/// an older entry held by a majority is committed only once a current-term entry above it is.
/// </summary>
public sealed class RaftCommitRuleTests
{
    /// <summary>
    /// Builds Figure 8's situation (c) with five nodes, step by step. Index 1 is the first leader's committed
    /// no-op, X is entry 2.
    /// (a) s1 leads term t1 and appends X (2, t1), which reaches nobody yet.
    /// (b) s5 is elected in t2 by s3, s4, s5; its no-op (2, t2) reaches nobody.
    /// (c) s1 is elected in t3 by s2, s3 and itself, appends its no-op (3, t3) and, one entry per append, gets X
    ///     to s2 and s3, which acknowledge it — s1 knows X is on s1, s2, s3, a majority — while its no-op is
    ///     held back in flight.
    /// </summary>
    private sealed class Figure8
    {
        public Figure8()
        {
            Net = RaftTestNetwork.Of(5, new RaftOptions(ElectionTicks: 10, MaxEntriesPerAppend: 1));
            Checker = new RaftSafetyChecker(Net);
            S1 = Net.ElectLeader();
            var others = Net.Ids.Where(i => i != S1).ToArray();
            (S2, S3, S4, S5) = (others[0], others[1], others[2], others[3]);
            T1 = Net[S1].Term;

            // (a)
            Net.Partition([S1], [S2], [S3], [S4], [S5]);
            Assert.Equal(2, Net.Propose(S1, "X"));
            Net.DeliverAll();
            Assert.Equal(1, Net[S2].LastIndex);

            // (b)
            Net.Partition([S1, S2], [S3, S4, S5]);
            Net.ExpireLeases(S3, S4);
            Net.Campaign(S5, m => m is not AppendRequest);
            Net.Drop(m => m.From == S5);
            T2 = Net[S5].Term;
            Assert.Equal(T2, Net[S5].Log.TermAt(2));
            Assert.Null(Net[S3].Log.TermAt(2));

            // (c)
            Net.Partition([S1], [S2], [S3], [S4], [S5]);
            Net.ExpireLeases(S1, S2, S3); // s1 (leading t1 alone) steps down by check-quorum
            Assert.Equal(RaftRole.Follower, Net[S1].Role);
            Net.Partition([S1, S2, S3], [S4], [S5]);
            Net.Campaign(S1, m => !HoldsTheNoOp(m));
            T3 = Net[S1].Term;
            // Its first appends carried the no-op and are held; the next heartbeat finds where s2 and s3 stand.
            Net.Tick(S1);
            Net.DeliverAll(m => !HoldsTheNoOp(m));
        }

        public RaftTestNetwork Net { get; }

        public RaftSafetyChecker Checker { get; }

        public string S1 { get; }
        public string S2 { get; }
        public string S3 { get; }
        public string S4 { get; }
        public string S5 { get; }

        public long T1 { get; }
        public long T2 { get; }
        public long T3 { get; }

        /// <summary>An append carrying s1's no-op of t3 (index 3).</summary>
        public static bool HoldsTheNoOp(RaftMessage m) => m is AppendRequest a && a.Entries.Any(e => e.Index >= 3);
    }

    [Fact]
    public void An_older_term_entry_on_a_majority_is_not_committed_by_counting_replicas()
    {
        var f = new Figure8();
        var net = f.Net;

        Assert.True(f.T1 < f.T2 && f.T2 < f.T3);
        foreach (var id in new[] { f.S1, f.S2, f.S3 }) Assert.Equal(f.T1, net[id].Log.TermAt(2));
        Assert.Equal(1, net[f.S1].CommitIndex);
        Assert.False(net[f.S1].LeaderReady);
        Assert.All(net.Hosts.Values, h => Assert.Equal(1, h.AppliedIndex));
    }

    [Fact]
    public void Had_it_been_committed_the_older_entry_would_be_lost()
    {
        // (d) s1 crashes before its no-op spreads: s5, whose last entry (2, t2) beats X's (2, t1), is elected by
        // s2, s3 and s4 and overwrites X everywhere. Counting X as committed in (c) would have lost it.
        var f = new Figure8();
        var net = f.Net;
        net.Crash(f.S1);
        net.Drop();
        net.Heal();
        net.ExpireLeases(f.S2, f.S3, f.S4);
        net.Campaign(f.S5);
        net.Run(5);

        foreach (var id in new[] { f.S2, f.S3, f.S4, f.S5 })
        {
            Assert.Equal(f.T2, net[id].Log.TermAt(2));
            Assert.True(net[id].CommitIndex >= 3);
        }
        Assert.Null(f.Checker.Check());
    }

    [Fact]
    public void The_older_entry_is_committed_with_the_first_entry_of_the_current_term()
    {
        // (e) the no-op of t3 reaches s2 and s3: committing it commits X beneath it; s5 can no longer win.
        var f = new Figure8();
        var net = f.Net;
        net.DeliverAll();

        Assert.Equal(3, net[f.S1].CommitIndex);
        Assert.True(net[f.S1].LeaderReady);
        Assert.Equal(["X"], net.Hosts[f.S1].Applied.Where(e => e.Data.Length > 0).Select(RaftFixtures.Text));

        net.Crash(f.S1);
        net.Heal();
        net.Run(100);
        var leader = net.Ids.Single(i => net.IsUp(i) && net[i].LeaderReady);
        Assert.NotEqual(f.S5, leader);
        Assert.Equal(f.T1, net[f.S5].Log.TermAt(2));
        Assert.Null(f.Checker.Check());
    }
}
