using Vigil.Core.Interfaces;
using static Vigil.Core.Interfaces.InterfaceEventKinds;
using static Vigil.Core.Tests.Interfaces.InterfaceRig;

namespace Vigil.Core.Tests.Interfaces;

/// <summary>Probe-based detection (in.mpathd): 5 misses fail in about one FDT, 10 replies and RUNNING repair.</summary>
public class InterfaceProbeTests
{
    private static readonly TimeSpan Fine = TimeSpan.FromMilliseconds(10);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>Time from the cut to the failure of a0, with the shell ticking every <paramref name="step"/>.</summary>
    private static TimeSpan DetectionAfterCutAt(TimeSpan phase, TimeSpan step)
    {
        var rig = new InterfaceRig();
        rig.Run(S(3) + phase, step);
        rig.Silent.Add("a0");
        return rig.RunUntil(() => rig.State("a0") == InterfaceState.Failed, step);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(490)]
    [InlineData(1000)]
    [InlineData(1010)]
    [InlineData(1990)]
    [InlineData(3330)]
    public void ACutIsDetectedBetweenNineAndElevenTenthsOfTheFailureDetectionTime(int phaseMs)
    {
        var detection = DetectionAfterCutAt(TimeSpan.FromMilliseconds(phaseMs), Fine);
        Assert.InRange(detection, 0.9 * Fdt, 1.1 * Fdt);
    }

    [Fact]
    public void CutsAtRandomPhasesAreAllDetectedWithinTenPercentOfTheFailureDetectionTime()
    {
        var random = new Random(20240501); // seeded: a failure replays exactly
        for (var i = 0; i < 20; i++)
        {
            var phase = TimeSpan.FromMilliseconds(random.Next(0, 2000));
            var step = i % 2 == 0 ? Fine : TimeSpan.FromMilliseconds(500);
            Assert.InRange(DetectionAfterCutAt(phase, step), 0.9 * Fdt, 1.1 * Fdt);
        }
    }

    [Fact]
    public void FiveMissedProbesFailTheInterfaceAndMoveItsAddress()
    {
        var rig = new InterfaceRig();
        rig.Start();
        rig.Silent.Add("a0");
        rig.RunUntil(() => rig.State("a0") == InterfaceState.Failed);

        Assert.Equal("5 probes missed", rig.Interface("a0").Reason);
        Assert.Equal(5, rig.Interface("a0").Probes.MissStreak);
        Assert.Equal(["interface a0 of group public failed: 5 probes missed; web-ip moves to a1"], rig.Events(InterfaceFailed));
        Assert.Equal("a1", rig.Current());
    }

    [Fact]
    public void AReplyBetweenMissesStartsTheCountAgain()
    {
        var rig = new InterfaceRig(); // probes at 0, 2, 4 … s, missed one second after
        rig.Run(S(1));
        rig.Silent.Add("a0");
        rig.Run(S(8.5)); // 2, 4, 6, 8 missed
        rig.Silent.Remove("a0");
        rig.Run(S(1)); // 10 answered
        rig.Silent.Add("a0");
        rig.Run(S(9)); // 12, 14, 16, 18 missed
        Assert.Equal((InterfaceState.Ok, 4), (rig.State("a0"), rig.Interface("a0").Probes.MissStreak));

        rig.Run(S(1.5)); // 20 missed at 21 s
        Assert.Equal(InterfaceState.Failed, rig.State("a0"));
    }

    [Fact]
    public void AProbeThatCannotBeSentIsMissedAtOnce()
    {
        var rig = new InterfaceRig();
        rig.Run(S(3));
        rig.NotSent["a0"] = "network is unreachable";

        var took = rig.RunUntil(() => rig.State("a0") == InterfaceState.Failed);

        Assert.Equal(S(9), took); // sends at 4, 6, 8, 10, 12 s: failed on the fifth, not a timeout later
        Assert.Equal("not sent: network is unreachable", rig.Interface("a0").Probes.LastResult);
        Assert.Equal(InterfaceState.Ok, rig.State("a1"));
    }

    [Fact]
    public void RepliesAfterTheTimeoutAreIgnored()
    {
        var rig = new InterfaceRig();
        rig.ReplyDelay["a0"] = S(1.5); // the timeout is half a probe interval: 1 s
        var replied = rig.Interface("a0").Probes.Replied;

        rig.RunUntil(() => rig.State("a0") == InterfaceState.Failed);

        Assert.Equal(replied, rig.Interface("a0").Probes.Replied);
        Assert.Equal(InterfaceState.Ok, rig.State("a1"));
    }

    [Fact]
    public void RepliesWithinTheTimeoutCount()
    {
        var rig = new InterfaceRig();
        rig.ReplyDelay["a0"] = S(0.5);
        rig.Run(S(30));
        Assert.Equal(InterfaceState.Ok, rig.State("a0"));
        Assert.Equal(0, rig.Interface("a0").Probes.Missed);
    }

    [Fact]
    public void RepairTakesTenConsecutiveAnsweredProbes()
    {
        var rig = new InterfaceRig();
        rig.Silent.Add("a0");
        rig.RunUntil(() => rig.State("a0") == InterfaceState.Failed);
        rig.Silent.Remove("a0");

        rig.RunUntil(() => rig.Interface("a0").Probes.ReplyStreak == 9);
        Assert.Equal(InterfaceState.Failed, rig.State("a0"));
        var took = rig.RunUntil(() => rig.State("a0") != InterfaceState.Failed);

        Assert.Equal(10, rig.Interface("a0").Probes.ReplyStreak);
        Assert.Equal(S(2), took);
        Assert.Equal(["interface a0 of group public repaired: 10 probes answered"], rig.Events(InterfaceRepaired));
    }

    [Fact]
    public void ACarrierComingBackStillNeedsTenAnsweredProbes()
    {
        var rig = new InterfaceRig();
        rig.Silent.Add("a0");
        rig.Link("a0", running: false);
        rig.Run(S(10));
        rig.Silent.Remove("a0");
        rig.Link("a0");
        Assert.Equal(InterfaceState.Failed, rig.State("a0"));

        var took = rig.RunUntil(() => rig.State("a0") == InterfaceState.Ok);
        Assert.InRange(took, S(18), S(20));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NoNumberOfRepliesRepairsAnInterfaceWhoseLinkIsNotRunning(bool linkDetection)
    {
        var rig = new InterfaceRig(Group(link: linkDetection));
        rig.Silent.Add("a0");
        rig.RunUntil(() => rig.State("a0") == InterfaceState.Failed);
        rig.Link("a0", running: false);
        rig.Silent.Remove("a0");

        rig.Run(S(40));
        Assert.Equal(InterfaceState.Failed, rig.State("a0"));
        Assert.True(rig.Interface("a0").Probes.ReplyStreak >= 10);

        rig.Link("a0");
        Assert.Equal(InterfaceState.Ok, rig.State("a0"));
    }

    [Fact]
    public void InterfacesProbeInLockStepTakingTheirTargetsInTurnFromTheirTestAddress()
    {
        var rig = new InterfaceRig();
        rig.Run(S(4));

        var probes = rig.Log.OfType<SendProbe>().ToList();
        Assert.Equal(6, probes.Count); // at 0, 2 and 4 s, both interfaces each time
        Assert.Equal(["a0 10.0.0.10 10.50.0.1", "a1 10.0.0.11 10.50.0.1", "a0 10.0.0.10 10.50.0.2", "a1 10.0.0.11 10.50.0.2",
            "a0 10.0.0.10 10.50.0.1", "a1 10.0.0.11 10.50.0.1"], probes.Select(p => $"{p.Interface} {p.Source} {p.Target}"));
        Assert.Equal(probes.Select(p => p.Sequence).Order(), probes.Select(p => p.Sequence));
        Assert.Equal(probes.Count, probes.Select(p => p.Sequence).Distinct().Count());
    }

    [Fact]
    public void FailedInterfacesAreStillProbedButOfflineOnesAreNot()
    {
        var rig = new InterfaceRig(Group([If("a0"), If("a1"), If("a2")]));
        rig.Link("a0", running: false);
        rig.Link("a1", up: false);
        var mark = rig.Mark;
        rig.Run(S(4));

        var probed = rig.Since(mark).OfType<SendProbe>().Select(p => p.Interface).Distinct().Order().ToArray();
        Assert.Equal(["a0", "a2"], probed);
    }
}
