using Vigil.Core.Heartbeat;
using static Vigil.Core.Tests.Heartbeat.HeartbeatRig;

namespace Vigil.Core.Tests.Heartbeat;

/// <summary>Lifeguard: this node's own stalls are credited, never blamed on peers; late ticks widen the deadlines.</summary>
public class HeartbeatLocalHealthTests
{
    private static readonly string[] ThreePeers = ["n2", "n3", "n4"];

    /// <summary>A 2 s stall; which peers' queued heartbeats the host reads before the late tick varies.</summary>
    [Theory]
    [InlineData("every heartbeat read before the tick", "ab")]
    [InlineData("the tick before any heartbeat is read", "")]
    [InlineData("only network a read before the tick", "a")]
    public void ATwoSecondPauseAccusesNobody(string story, string readBeforeTick)
    {
        Assert.NotNull(story);
        var rig = new HeartbeatRig(ThreePeers);
        rig.Steps(3, rig.All());
        var view = rig.Monitor.View;
        rig.Events();

        rig.LateTick(TimeSpan.FromSeconds(2), rig.All().Where(b => readBeforeTick.Contains(b.Item2)).ToArray());
        rig.Beat(rig.All().Where(b => !readBeforeTick.Contains(b.Item2)).ToArray());
        rig.Steps(20, rig.All());

        Assert.DoesNotContain(rig.Events(), e => e is NetworkDown or PeerLost);
        Assert.Same(view, rig.Monitor.View);
        Assert.All(ThreePeers, p => Assert.Equal("a", rig.Monitor.ControlNetwork(p)));
    }

    [Fact]
    public void APeerThatReallyDiedDuringThePauseIsStillLostOneEffectiveDeadTimeAfterTheCreditedSilence()
    {
        var rig = new HeartbeatRig(["n2", "n3"]);
        rig.Steps(3, rig.All()); // last heard at 300 ms; n2 dies now
        rig.LateTick(TimeSpan.FromSeconds(2), ("n3", "a"), ("n3", "b")); // due 400 ms, fires at 2400 ms: 1900 ms credited
        Assert.Equal((1, Ms(1000)), (rig.Monitor.LocalHealth, rig.Monitor.EffectiveDeadTime));

        // Credited silence at 2400 ms is 200 ms, so n2 is lost at 2400 + 800 = 3200 ms, not one tick earlier.
        rig.Steps(7, ("n3", "a"), ("n3", "b"));
        Assert.Contains("n2", rig.Members());
        rig.Step(("n3", "a"), ("n3", "b"));
        Assert.Equal(new PeerLost(Ms(3200), "n2", Ms(2900)), rig.Events().OfType<PeerLost>().Single());
        Assert.Equal(["n1", "n3"], rig.Members());
    }

    [Fact]
    public void OnlyTheLatenessBeyondOneIntervalIsCreditedAsPause()
    {
        var rig = new HeartbeatRig();
        rig.Steps(3, rig.All()); // both networks heard at 300 ms; network a dies now
        rig.LateTick(TimeSpan.FromSeconds(2), ("n2", "b")); // due 400 ms, fires at 2400 ms: 1900 ms credited

        Assert.Equal("a", rig.Monitor.ControlNetwork("n2")); // a: credited silence 200 ms, still fresh
        rig.Step(("n2", "b"));
        Assert.Equal("b", rig.Monitor.ControlNetwork("n2")); // a: credited silence 300 ms, stale
    }

    [Fact]
    public void ABurstOfCatchUpTicksCountsTheStallOnceAndCreditsItOnce()
    {
        var rig = new HeartbeatRig();
        rig.Steps(3, rig.All());
        var wokeAt = Ms(2400);
        for (var due = 400; due < 2400; due += 100) // a fixed-rate timer catching up 20 missed ticks at once
            rig.Monitor.Tick(wokeAt, Ms(due));
        Assert.Equal(1, rig.Monitor.LocalHealth);

        // Same loss time as with one late tick: credited silence 200 ms at 2400, effective dead time 1 s.
        var lostAt = Enumerable.Range(1, 20).Select(i => Ms(2400 + 100 * i))
            .First(t => { rig.Monitor.Tick(t, t); return !rig.Monitor.View.Contains("n2"); });
        Assert.Equal(Ms(3200), lostAt);
    }

    /// <summary>The timer was due one interval after the last tick and fired this much later.</summary>
    [Theory]
    [InlineData(0, 0)]
    [InlineData(50, 0)]
    [InlineData(51, 1)]
    [InlineData(100, 1)]
    [InlineData(2000, 1)]
    public void ATickLaterThanHalfAnIntervalRaisesLocalHealth(int latenessMs, int expected)
    {
        var rig = new HeartbeatRig();
        rig.LateTick(Ms(latenessMs));
        Assert.Equal(expected, rig.Monitor.LocalHealth);
        Assert.Equal(expected == 0 ? [] : [new LocalHealthChanged(rig.Now, 0, 1, Ms(latenessMs))], rig.Events());
    }

    [Fact]
    public void LocalHealthScalesTheEffectiveDeadTimeAndTheElectionTimerUpToItsCaps()
    {
        var rig = new HeartbeatRig();
        var seen = new List<(int Lhm, int DeadMs, double Election)>();
        for (var i = 0; i < 10; i++)
        {
            rig.LateTick(Ms(60));
            seen.Add((rig.Monitor.LocalHealth, (int)rig.Monitor.EffectiveDeadTime.TotalMilliseconds, rig.Monitor.ElectionScale));
        }

        Assert.Equal(
        [
            (1, 1000, 2), (2, 1500, 3), (3, 2000, 4), (4, 2500, 5), (5, 3000, 6),
            (6, 3500, 7), (7, 4000, 8), (8, 4000, 9), (8, 4000, 9), (8, 4000, 9),
        ], seen);
    }

    [Fact]
    public void LocalHealthFallsByOneAfterEveryEightConsecutiveTimelyTicks()
    {
        var rig = new HeartbeatRig();
        rig.LateTick(Ms(60)).LateTick(Ms(60));
        var seen = new List<int>();
        void Run(int timely) { for (var i = 0; i < timely; i++) seen.Add(rig.Step().Monitor.LocalHealth); }

        Run(7);
        rig.LateTick(Ms(60)); // breaks the streak: 3
        Run(8 + 8 + 8 + 8);

        Assert.Equal(
            [.. Enumerable.Repeat(2, 7), .. Enumerable.Repeat(3, 7), 2, .. Enumerable.Repeat(2, 7), 1, .. Enumerable.Repeat(1, 7), 0, .. Enumerable.Repeat(0, 8)],
            seen);
        Assert.Equal(
            [new LocalHealthChanged(Ms(1180), 2, 3, Ms(60))],
            rig.Events().OfType<LocalHealthChanged>().Where(e => e.New == 3));
    }

    [Fact]
    public void ALowLocalHealthDelaysPeerLossByTheScaledDeadTime()
    {
        var rig = new HeartbeatRig();
        rig.LateTick(Ms(60), rig.All()).LateTick(Ms(60), rig.All()); // LHM 2: effective dead time 1.5 s
        var heardAt = rig.Now;

        // Unscaled, n2 would be lost 500 ms later. After 8 timely ticks LHM falls to 1 (1 s), so it is lost at 1 s.
        rig.Steps(9);
        Assert.Contains("n2", rig.Members());
        rig.Step();
        Assert.Equal(new PeerLost(heardAt + Ms(1000), "n2", Ms(1000)), rig.Events().OfType<PeerLost>().Single());
    }
}
