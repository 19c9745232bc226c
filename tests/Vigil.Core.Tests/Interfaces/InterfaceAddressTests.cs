using Vigil.Core.Configuration;
using Vigil.Core.Interfaces;
using static Vigil.Core.Interfaces.InterfaceEventKinds;
using static Vigil.Core.Tests.Interfaces.InterfaceRig;

namespace Vigil.Core.Tests.Interfaces;

/// <summary>The ip_address resource's start, stop and monitor (LifeKeeper local recovery).</summary>
public class InterfaceAddressTests
{
    [Fact]
    public void StartPlacesTheAddressOnItsHomeAndAnswersOnceTheShellHasDoneIt()
    {
        var rig = new InterfaceRig { HoldOps = true };
        var request = rig.Send(r => new AddressWanted(r, "web-ip", "10.0.0.5/24"));

        Assert.Null(rig.AnswerTo(request));
        Assert.Equal(new PlaceAddress(1, "web-ip", "10.0.0.5/24", "a0", null, false, Targets), rig.Places().Single(),
            PlaceComparer.Instance);
        Assert.Equal("placing", rig.Address().State);

        rig.Finish();
        Assert.Equal(new AnswerRequest(request, true, "web-ip 10.0.0.5/24 up on a0"), rig.AnswerTo(request));
        Assert.Equal(("a0", "placed"), (rig.Current(), rig.Address().State));
        Assert.DoesNotContain("INACTIVE", rig.Interface("a0").Flags);
        Assert.Contains("INACTIVE", rig.Interface("a1").Flags);
    }

    [Fact]
    public void StartOnAnAddressAlreadyUpAnswersAtOnceWithoutTouchingIt()
    {
        var rig = new InterfaceRig();
        rig.Start();
        var mark = rig.Mark;
        Assert.Equal("web-ip 10.0.0.5/24 up on a0", rig.Start().Detail);
        Assert.Empty(rig.Places(mark));
    }

    [Fact]
    public void StartWithTheHomeFailedPlacesTheAddressVisitingItsBackup()
    {
        var rig = new InterfaceRig();
        rig.Link("a0", running: false);
        Assert.Equal("web-ip 10.0.0.5/24 up on a1, visiting (home a0 failed: carrier lost)", rig.Start().Detail);
        Assert.True(rig.Address().Visiting);
    }

    [Fact]
    public void StartWithNoRunningInterfaceIsRefusedWithEveryInterfacesState()
    {
        var rig = new InterfaceRig();
        rig.Link("a0", running: false);
        rig.Link("a1", up: false);
        var answer = rig.Start();
        Assert.Equal((false, "no running interface in interface group public on this node " +
            "(a0 failed: carrier lost, a1 offline: administratively down)"), (answer.Succeeded, answer.Detail));
        Assert.Empty(rig.Places());
    }

    [Fact]
    public void AFailedPlacementIsAnsweredWithTheShellsDetail()
    {
        var rig = new InterfaceRig { FailOp = _ => "address already in use" };
        var answer = rig.Start();
        Assert.Equal((false, "adding web-ip 10.0.0.5/24 on a0 failed: address already in use"), (answer.Succeeded, answer.Detail));
        Assert.Equal(("failed", null), (rig.Address().State, rig.Current()));
    }

    [Fact]
    public void StopRemovesTheAddressAnswersAfterTheShellAndForgetsTheResource()
    {
        var rig = new InterfaceRig();
        rig.Start();
        rig.HoldOps = true;
        var request = rig.Send(r => new AddressReleased(r, "web-ip"));

        Assert.Equal(("a0", "released"), (Assert.IsType<RemoveAddress>(rig.Held.Single()).Interface, rig.Address().State));
        Assert.Null(rig.AnswerTo(request));
        rig.Finish(false, "no such address");

        Assert.Equal((false, "removing web-ip 10.0.0.5/24 from a0 failed: no such address"),
            (rig.AnswerTo(request)!.Succeeded, rig.AnswerTo(request)!.Detail));
        Assert.Empty(rig.Machine.View().Addresses);
    }

    [Fact]
    public void StopOfAnAddressNotPlacedSucceedsAtOnce()
    {
        var rig = new InterfaceRig();
        var answer = rig.Ask(r => new AddressReleased(r, "web-ip"));
        Assert.Equal((true, "web-ip is not placed in interface group public"), (answer.Succeeded, answer.Detail));
        Assert.Empty(rig.Log.OfType<RemoveAddress>());
    }

    [Fact]
    public void ARequestForAResourceWithAnOperationPendingWaitsForIt()
    {
        var rig = new InterfaceRig { HoldOps = true };
        var start = rig.Send(r => new AddressWanted(r, "web-ip", "10.0.0.5/24"));
        var stop = rig.Send(r => new AddressReleased(r, "web-ip"));
        Assert.Single(rig.Held);

        rig.Finish();
        Assert.True(rig.AnswerTo(start)!.Succeeded);
        Assert.IsType<RemoveAddress>(rig.Held.Single());
        rig.Finish();
        Assert.True(rig.AnswerTo(stop)!.Succeeded);
    }

    [Fact]
    public void LocalRecoveryFirstReAddsTheAddressOnItsCurrentInterface()
    {
        var rig = new InterfaceRig();
        rig.Start();
        var mark = rig.Mark;
        var answer = rig.Ask(r => new AddressLost(r, "web-ip", "address missing from a0"));

        var place = Assert.Single(rig.Places(mark));
        Assert.Equal(("a0", null, true), (place.Interface, place.From, place.Verify));
        Assert.Equal((true, "web-ip re-established on a0"), (answer.Succeeded, answer.Detail));
        Assert.Equal(["web-ip re-established on a0"], rig.Events(AddressRecovered, mark));
    }

    [Fact]
    public void WhenReAddingFailsLocalRecoveryMovesTheAddressToItsBackup()
    {
        var rig = new InterfaceRig();
        rig.Start();
        rig.FailOp = c => c is PlaceAddress { Interface: "a0" } ? "no carrier" : null;
        var mark = rig.Mark;
        var answer = rig.Ask(r => new AddressLost(r, "web-ip", "address missing from a0"));

        Assert.Equal(["a0 - True", "a1 a0 True"], rig.Places(mark).Select(p => $"{p.Interface} {p.From ?? "-"} {p.Verify}"));
        Assert.Equal((true, "web-ip moved from a0 to backup a1: re-adding on a0 failed (no carrier)"), (answer.Succeeded, answer.Detail));
        Assert.Equal(("a1", "placed"), (rig.Current(), rig.Address().State));
    }

    [Fact]
    public void WhenBothStepsFailLocalRecoveryAnswersFailed()
    {
        var rig = new InterfaceRig();
        rig.Start();
        rig.FailOp = c => c is PlaceAddress { Interface: "a0" } ? "no carrier" : "no reply from 10.50.0.1";
        var answer = rig.Ask(r => new AddressLost(r, "web-ip", "address missing from a0"));

        var text = "web-ip: re-adding on a0 failed (no carrier); moving to backup a1 failed (no reply from 10.50.0.1)";
        Assert.Equal((false, text), (answer.Succeeded, answer.Detail));
        Assert.Equal([text], rig.Events(AddressRecoveryFailed));
        Assert.Equal(("failed", "a0"), (rig.Address().State, rig.Current()));
    }

    [Fact]
    public void LocalRecoveryGoesStraightToTheBackupWhenTheCurrentInterfaceHasFailed()
    {
        var rig = new InterfaceRig();
        rig.Start();
        rig.FailOp = c => c is PlaceAddress { Interface: "a1" } ? "address already in use" : null;
        rig.Link("a0", running: false);
        Assert.Equal(["moving web-ip 10.0.0.5/24 from a0 to a1 failed: address already in use; it stays on a0, next attempt in 10s"],
            rig.Events(AddressRecoveryFailed));
        rig.FailOp = _ => null;
        var mark = rig.Mark;

        var answer = rig.Ask(r => new AddressLost(r, "web-ip", "gone"));

        var move = Assert.Single(rig.Places(mark));
        Assert.Equal(("a1", "a0", true), (move.Interface, move.From, move.Verify));
        Assert.Equal("web-ip moved from a0 to backup a1: a0 is failed (carrier lost)", answer.Detail);
    }

    [Fact]
    public void AFailedAutomaticMoveIsTriedAgainOneFailureDetectionTimeLater()
    {
        var rig = new InterfaceRig();
        rig.Start();
        rig.FailOp = _ => "address already in use";
        rig.Link("a0", running: false);
        rig.FailOp = _ => null;

        rig.Run(Fdt - TimeSpan.FromSeconds(1));
        Assert.Equal("a0", rig.Current());
        rig.Run(TimeSpan.FromSeconds(1));
        Assert.Equal("a1", rig.Current());
    }

    [Fact]
    public void UnderStayARecoveryMoveMakesTheBackupTheHome()
    {
        var rig = new InterfaceRig(Group(failback: InterfaceFailback.Stay));
        rig.Start();
        rig.FailOp = c => c is PlaceAddress { Interface: "a0" } ? "no carrier" : null;
        var answer = rig.Ask(r => new AddressLost(r, "web-ip", "gone"));

        Assert.EndsWith("; a1 is its new home", answer.Detail);
        Assert.Equal("a1", rig.Log.OfType<SavePlacement>().Last().Placement.Homes["web-ip"]);
    }

    [Fact]
    public void LocalRecoveryOfAnUnknownResourceIsRefused()
    {
        var answer = new InterfaceRig().Ask(r => new AddressLost(r, "db-ip", "gone"));
        Assert.Equal((false, "no ip_address resource named db-ip in interface group public on this node"), (answer.Succeeded, answer.Detail));
    }

    /// <summary>Compares PlaceAddress by value, including its target list.</summary>
    private sealed class PlaceComparer : IEqualityComparer<PlaceAddress>
    {
        public static readonly PlaceComparer Instance = new();

        public bool Equals(PlaceAddress? x, PlaceAddress? y) =>
            x is not null && y is not null && x with { VerifyTargets = Array.Empty<string>() } == y with { VerifyTargets = Array.Empty<string>() }
            && x.VerifyTargets.SequenceEqual(y.VerifyTargets);

        public int GetHashCode(PlaceAddress obj) => obj.Op.GetHashCode();
    }
}
