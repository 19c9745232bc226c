using Vigil.Core.Interfaces;
using static Vigil.Core.Interfaces.InterfaceEventKinds;
using static Vigil.Core.Tests.Interfaces.InterfaceRig;

namespace Vigil.Core.Tests.Interfaces;

/// <summary>Link-based detection (RUNNING), offline interfaces and group failure: IPMP / CIP.</summary>
public class InterfaceLinkTests
{
    [Fact]
    public void CarrierLossFailsTheInterfaceAtOnceAndMovesItsAddressInTheSameStep()
    {
        var rig = new InterfaceRig();
        rig.HoldOps = true;
        var start = rig.Send(r => new AddressWanted(r, "web-ip", "10.0.0.5/24"));
        rig.Finish();
        Assert.Equal("web-ip 10.0.0.5/24 up on a0", rig.AnswerTo(start)!.Detail);

        var mark = rig.Mark;
        rig.Link("a0", running: false);

        Assert.Equal(InterfaceState.Failed, rig.State("a0"));
        Assert.Equal("carrier lost", rig.Interface("a0").Reason);
        Assert.Equal(["interface a0 of group public failed: carrier lost; web-ip moves to a1"], rig.Events(InterfaceFailed, mark));
        var move = Assert.Single(rig.Places(mark));
        Assert.Equal(("a1", "a0", false), (move.Interface, move.From, move.Verify));
        Assert.Equal(Targets, move.VerifyTargets);
        Assert.Equal("a0", rig.Current()); // not moved in the model before the shell confirms

        rig.Finish();
        Assert.Equal("a1", rig.Current());
        Assert.True(rig.Address().Visiting);
        Assert.Equal(["web-ip 10.0.0.5/24 moved from a0 to a1 (a0 failed: carrier lost); visiting a1"], rig.Events(AddressMoved, mark));
        Assert.Equal(InterfaceGroupState.Degraded, rig.Machine.View().State);
    }

    [Fact]
    public void WithoutLinkDetectionALostCarrierFailsNothing()
    {
        var rig = new InterfaceRig(Group(link: false, probes: false));
        rig.Start();
        rig.Link("a0", running: false);
        Assert.Equal(InterfaceState.Ok, rig.State("a0"));
        Assert.Equal("a0", rig.Current());
    }

    [Theory]
    [InlineData(false, true, "missing from the host")]
    [InlineData(true, false, "administratively down")]
    public void AnOfflineInterfaceGivesUpItsAddresses(bool exists, bool up, string reason)
    {
        var rig = new InterfaceRig();
        rig.Start();
        var mark = rig.Mark;
        rig.Link("a0", running: false, up: up, exists: exists);

        Assert.Equal(InterfaceState.Offline, rig.State("a0"));
        Assert.Contains("OFFLINE", rig.Interface("a0").Flags);
        Assert.Equal([$"interface a0 of group public is offline: {reason}; web-ip moves to a1"], rig.Events(InterfaceOffline, mark));
        Assert.Empty(rig.Events(InterfaceFailed, mark));
        Assert.Equal("a1", rig.Current());
    }

    [Fact]
    public void AnInterfaceWhoseLinkIsNotKnownYetIsOfflineAndHoldsNothing()
    {
        var rig = new InterfaceRig(linksUp: false);
        rig.Link("a1");
        Assert.Equal((InterfaceState.Offline, "link state not yet known"), (rig.State("a0"), rig.Interface("a0").Reason));
        Assert.Equal("web-ip 10.0.0.5/24 up on a1, visiting (home a0 offline: link state not yet known)", rig.Start().Detail);
    }

    [Fact]
    public void WhenEveryInterfaceFailsNothingMovesAndTheGroupFailureSaysTheAddressesStay()
    {
        var rig = new InterfaceRig();
        rig.Start();
        rig.Link("a1", running: false);
        var mark = rig.Mark;

        rig.Link("a0", running: false);

        Assert.Empty(rig.Places(mark));
        Assert.Equal("a0", rig.Current());
        Assert.Equal(InterfaceGroupState.Failed, rig.Machine.View().State);
        Assert.Equal(["interface a0 of group public failed: carrier lost; web-ip stays on a0 (no running interface left)"],
            rig.Events(InterfaceFailed, mark));
        Assert.Equal(["interface group public failed: no running interface (a0 failed: carrier lost, a1 failed: carrier lost); " +
            "addresses stay: web-ip on a0"], rig.Events(GroupFailed, mark));
        rig.Run(Fdt);
        Assert.Empty(rig.Places(mark)); // still nowhere to go
    }

    [Fact]
    public void TheFirstRepairAfterAGroupFailureRepairsTheGroupAndTheAddressMovesThere()
    {
        var rig = new InterfaceRig(Group(probes: false));
        rig.Start();
        rig.Link("a1", running: false);
        rig.Link("a0", running: false);
        var mark = rig.Mark;

        rig.Link("a1");

        Assert.Equal(["interface a1 of group public repaired: link running"], rig.Events(InterfaceRepaired, mark));
        Assert.Equal(["interface group public repaired: a1 running again"], rig.Events(GroupRepaired, mark));
        Assert.Equal("a1", rig.Current());
    }

    [Fact]
    public void AnInterfaceWithoutProbesIsRepairedByItsLinkAlone()
    {
        var rig = new InterfaceRig(Group([If("a0", "a1", test: false), If("a1", "a0")]));
        rig.Link("a0", running: false);
        Assert.Equal(InterfaceState.Failed, rig.State("a0"));

        rig.Link("a0");

        Assert.Equal(InterfaceState.Ok, rig.State("a0"));
        Assert.Contains("NOPROBE", rig.Interface("a0").Flags);
    }

    [Fact]
    public void AnInterfaceComingBackOnlineIsReportedAndTakesItsAddressHome()
    {
        var rig = new InterfaceRig();
        rig.Start();
        rig.Link("a0", up: false);
        var mark = rig.Mark;

        rig.Link("a0");

        Assert.Equal(["interface a0 of group public is back online; web-ip returns from a1"], rig.Events(InterfaceRepaired, mark));
        Assert.Equal("a0", rig.Current());
    }

    [Fact]
    public void AFailureAtStartIsReportedButAnInterfaceFoundHealthyIsNot()
    {
        var rig = new InterfaceRig(linksUp: false);
        rig.Link("a0");
        rig.Link("a1", running: false);
        Assert.Equal(["interface a1 of group public failed: carrier lost"], rig.Events(InterfaceFailed));
        Assert.Empty(rig.Events(InterfaceRepaired));
        Assert.Empty(rig.Events(GroupRepaired));
        Assert.Empty(rig.Events(GroupFailed));
    }
}
