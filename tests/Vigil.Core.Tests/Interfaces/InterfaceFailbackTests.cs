using Vigil.Core.Configuration;
using Vigil.Core.Interfaces;
using static Vigil.Core.Interfaces.InterfaceEventKinds;
using static Vigil.Core.Tests.Interfaces.InterfaceRig;

namespace Vigil.Core.Tests.Interfaces;

/// <summary>Where addresses go on failure, and whether they come back: auto (IPMP), manual (CIP), stay (LifeKeeper).</summary>
public class InterfaceFailbackTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>web-ip up on a0, then a0 fails by its probes and web-ip moves to a1.</summary>
    private static InterfaceRig FailedOverToA1(InterfaceFailback failback)
    {
        var rig = new InterfaceRig(Group(failback: failback));
        rig.Start();
        rig.Silent.Add("a0");
        rig.RunUntil(() => rig.Current() == "a1");
        return rig;
    }

    private static void Repair(InterfaceRig rig, string name)
    {
        rig.Silent.Remove(name);
        rig.RunUntil(() => rig.State(name) != InterfaceState.Failed);
    }

    [Fact]
    public void AutoFailbackReturnsTheAddressWhenItsHomeIsRepaired()
    {
        var rig = FailedOverToA1(InterfaceFailback.Auto);
        var mark = rig.Mark;
        Repair(rig, "a0");

        Assert.Equal(["interface a0 of group public repaired: 10 probes answered; web-ip returns from a1"], rig.Events(InterfaceRepaired, mark));
        var back = Assert.Single(rig.Places(mark));
        Assert.Equal(("a0", "a1"), (back.Interface, back.From));
        Assert.Equal(["web-ip 10.0.0.5/24 moved from a1 to a0 (a0 repaired); home again"], rig.Events(AddressMoved, mark));
        Assert.Equal((InterfaceState.Ok, false), (rig.State("a0"), rig.Address().Visiting));
    }

    [Fact]
    public void AutoFailbackDoesNotUndoAnOperatorsMoveWhileHomeStaysHealthy()
    {
        var rig = new InterfaceRig();
        rig.Start();
        Assert.True(rig.Ask(r => new MoveToBackup(r, "web-ip")).Succeeded);
        rig.Run(S(60));
        Assert.Equal("a1", rig.Current());
    }

    [Fact]
    public void ManualFailbackLeavesTheAddressVisitingAndShowsTheHomeRepaired()
    {
        var rig = FailedOverToA1(InterfaceFailback.Manual);
        var mark = rig.Mark;
        Repair(rig, "a0");
        rig.Run(S(60));

        Assert.Equal("a1", rig.Current());
        Assert.Equal(InterfaceState.Repaired, rig.State("a0"));
        Assert.Equal("repaired (10 probes answered); web-ip visiting a1 (vigil ip switch public)", rig.Interface("a0").Reason);
        Assert.Equal(["interface a0 of group public repaired: 10 probes answered; web-ip stays visiting a1 until vigil ip switch public"],
            rig.Events(InterfaceRepaired, mark));
        Assert.Empty(rig.Places(mark));
    }

    [Fact]
    public void ManualSwitchBringsVisitorsHomeVerified()
    {
        var rig = FailedOverToA1(InterfaceFailback.Manual);
        Repair(rig, "a0");
        var mark = rig.Mark;

        var answer = rig.Ask(r => new SwitchHome(r, null));

        Assert.Equal((true, "web-ip back home on a0"), (answer.Succeeded, answer.Detail));
        var place = Assert.Single(rig.Places(mark));
        Assert.Equal(("a0", "a1", true), (place.Interface, place.From, place.Verify));
        Assert.Equal(InterfaceState.Ok, rig.State("a0"));
        var again = rig.Ask(r => new SwitchHome(r, null));
        Assert.Equal((true, "nothing visiting in group public"), (again.Succeeded, again.Detail));
    }

    [Fact]
    public void AVisitorGoesHomeWhenTheInterfaceItVisitsFailsEvenUnderManualFailback()
    {
        var rig = new InterfaceRig(Group([If("a0"), If("a1", "a2"), If("a2", "a1")], InterfaceFailback.Manual, probes: false));
        rig.Start();
        rig.Link("a0", running: false);
        Assert.Equal("a1", rig.Current()); // no pair for a0: the first usable interface
        rig.Link("a0");
        Assert.Equal("a1", rig.Current());
        var mark = rig.Mark;

        rig.Link("a1", running: false);

        Assert.Equal("a0", rig.Current()); // home first, not a1's partner a2
        Assert.Equal(["web-ip 10.0.0.5/24 moved from a1 to a0 (a1 failed: carrier lost); home again"], rig.Events(AddressMoved, mark));
    }

    [Fact]
    public void TheFailedInterfacesConfiguredBackupComesBeforeTheFirstUsableInterface()
    {
        var rig = new InterfaceRig(Group([If("a0", "a2"), If("a1"), If("a2", "a0")]));
        rig.Start();
        rig.Link("a0", running: false);
        Assert.Equal("a2", rig.Current());
    }

    [Fact]
    public void AnOperatorBackupIsUsedWhenTheInterfaceHasNoConfiguredPartner()
    {
        var rig = new InterfaceRig(Group([If("a0"), If("a1"), If("a2")]));
        rig.Start();
        Assert.True(rig.Ask(r => new BackupAdd(r, "web-ip", "a2")).Succeeded);
        rig.Link("a0", running: false);
        Assert.Equal("a2", rig.Current());
    }

    [Fact]
    public void StayMakesTheNewInterfaceTheHomeAndPersistsIt()
    {
        var rig = FailedOverToA1(InterfaceFailback.Stay);

        Assert.Equal(("a1", false), (rig.Address().Home, rig.Address().Visiting));
        var saved = rig.Log.OfType<SavePlacement>().Last().Placement;
        Assert.Equal(("public", "a1"), (saved.Group, saved.Homes["web-ip"]));
        Assert.EndsWith("(a0 failed: 5 probes missed); a1 is its new home", rig.Events(AddressMoved).Single());

        var mark = rig.Mark;
        Repair(rig, "a0");
        rig.Run(S(30));
        Assert.Equal("a1", rig.Current());
        Assert.Equal(InterfaceState.Ok, rig.State("a0"));
        Assert.Empty(rig.Places(mark));
    }

    [Fact]
    public void ARestoredStayHomeIsWhereTheAddressStartsAfterARestart()
    {
        var homes = new Dictionary<string, string> { ["web-ip"] = "a1" };
        var restored = new PersistedPlacement("public", homes, new Dictionary<string, string>());
        var rig = new InterfaceRig(Group(failback: InterfaceFailback.Stay), restored);

        Assert.Equal("web-ip 10.0.0.5/24 up on a1", rig.Start().Detail);
        Assert.Equal(("a1", false), (rig.Address().Home, rig.Address().Visiting));
    }

    [Fact]
    public void ARestoredHomeNamingAnInterfaceNoLongerInTheGroupFallsBackToTheFirst()
    {
        var homes = new Dictionary<string, string> { ["web-ip"] = "eth7" };
        var rig = new InterfaceRig(Group(failback: InterfaceFailback.Stay), new PersistedPlacement("public", homes, homes));
        rig.Start();
        Assert.Equal(("a0", "a1", "config"), (rig.Address().Home, rig.Address().Backup, rig.Address().BackupSource));
    }
}
