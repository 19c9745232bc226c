using Vigil.Core.Configuration;
using Vigil.Core.Interfaces;
using static Vigil.Core.Tests.Interfaces.InterfaceRig;

namespace Vigil.Core.Tests.Interfaces;

/// <summary>`vigil ip backup add|remove`, `vigil ip move` (lkipbu) and `vigil ip switch` (CIP SWITCH): answers and refusals.</summary>
public class InterfaceOperatorTests
{
    /// <summary>web-ip up on a0 in a0, a1, a2; a0 has no configured backup unless <paramref name="pairA0A1"/>.</summary>
    private static InterfaceRig Rig(bool pairA0A1 = false, InterfaceFailback failback = InterfaceFailback.Auto)
    {
        var rig = new InterfaceRig(Group([If("a0", pairA0A1 ? "a1" : null), If("a1", pairA0A1 ? "a0" : null), If("a2")], failback));
        rig.Start();
        return rig;
    }

    private static (bool, string) Refusal(string detail) => (false, detail);

    private static (bool, string) Of(AnswerRequest answer) => (answer.Succeeded, answer.Detail);

    [Theory]
    [InlineData("db-ip", "a1", "no ip_address resource named db-ip in interface group public on this node")]
    [InlineData("web-ip", "eth9", "no interface named eth9 in interface group public")]
    [InlineData("web-ip", "a0", "a0 is the home interface of web-ip; a backup must be another interface")]
    public void BackupAddRefusesWhatCannotBeABackup(string resource, string iface, string detail)
    {
        var rig = Rig();
        Assert.Equal(Refusal(detail), Of(rig.Ask(r => new BackupAdd(r, resource, iface))));
        Assert.Empty(rig.Log.OfType<SavePlacement>());
    }

    [Fact]
    public void BackupAddRefusesASecondBackupFromAnOperator()
    {
        var rig = Rig();
        Assert.Equal((true, "backup a1 added to web-ip"), Of(rig.Ask(r => new BackupAdd(r, "web-ip", "a1"))));
        Assert.Equal(Refusal("web-ip already has backup interface a1 (added by an operator); remove it first"),
            Of(rig.Ask(r => new BackupAdd(r, "web-ip", "a2"))));
        Assert.Equal(("a1", "operator"), (rig.Address().Backup, rig.Address().BackupSource));
    }

    [Fact]
    public void BackupAddRefusesASecondBackupWhenTheConfigurationHasOne()
    {
        var rig = Rig(pairA0A1: true);
        Assert.Equal(Refusal("web-ip already has backup interface a1 (from the configuration); remove it first"),
            Of(rig.Ask(r => new BackupAdd(r, "web-ip", "a2"))));
    }

    [Fact]
    public void BackupAddAndRemoveSaveTheCompletePlacement()
    {
        var rig = Rig();
        rig.Ask(r => new BackupAdd(r, "web-ip", "a2"));
        Assert.Equal("a2", rig.Log.OfType<SavePlacement>().Single().Placement.Backups["web-ip"]);

        Assert.Equal((true, "backup a2 removed from web-ip"), Of(rig.Ask(r => new BackupRemove(r, "web-ip", "a2"))));
        Assert.Empty(rig.Log.OfType<SavePlacement>().Last().Placement.Backups);
        Assert.Null(rig.Address().Backup);
    }

    [Fact]
    public void BackupRemoveRefusesAnInterfaceThatIsNotTheBackup()
    {
        var rig = Rig();
        Assert.Equal(Refusal("web-ip has no backup interface"), Of(rig.Ask(r => new BackupRemove(r, "web-ip", "a1"))));
        rig.Ask(r => new BackupAdd(r, "web-ip", "a1"));
        Assert.Equal(Refusal("a2 is not the backup of web-ip (its backup is a1)"), Of(rig.Ask(r => new BackupRemove(r, "web-ip", "a2"))));
        Assert.Equal(Refusal("no ip_address resource named db-ip in interface group public on this node"),
            Of(rig.Ask(r => new BackupRemove(r, "db-ip", "a1"))));
    }

    [Fact]
    public void BackupRemoveRefusesABackupFromTheConfiguration()
    {
        var rig = Rig(pairA0A1: true);
        Assert.Equal(Refusal("backup a1 of web-ip comes from the configuration (interface a0); change the configuration to remove it"),
            Of(rig.Ask(r => new BackupRemove(r, "web-ip", "a1"))));
        Assert.Equal(("a1", "config"), (rig.Address().Backup, rig.Address().BackupSource));
    }

    [Fact]
    public void MoveToBackupRefusesWithoutABackup()
    {
        var rig = Rig();
        Assert.Equal(Refusal("web-ip has no backup interface; add one with vigil ip backup add web-ip INTERFACE"),
            Of(rig.Ask(r => new MoveToBackup(r, "web-ip"))));
    }

    [Fact]
    public void MoveToBackupRefusesWhenAlreadyThereOrTheBackupCannotHoldIt()
    {
        var rig = Rig(pairA0A1: true);
        rig.Link("a1", running: false);
        Assert.Equal(Refusal("backup interface a1 of web-ip is failed (carrier lost)"), Of(rig.Ask(r => new MoveToBackup(r, "web-ip"))));
        rig.Link("a1");
        rig.Run(TimeSpan.FromSeconds(25)); // ten answered probes repair a1
        Assert.True(rig.Ask(r => new MoveToBackup(r, "web-ip")).Succeeded);
        Assert.Equal(Refusal("web-ip is already on its backup interface a1"), Of(rig.Ask(r => new MoveToBackup(r, "web-ip"))));
    }

    [Fact]
    public void MoveToBackupIsVerifiedAndAnsweredAfterTheShell()
    {
        var rig = Rig(pairA0A1: true);
        rig.HoldOps = true;
        var request = rig.Send(r => new MoveToBackup(r, "web-ip"));
        var move = Assert.IsType<PlaceAddress>(rig.Held.Single());
        Assert.Equal(("a1", "a0", true), (move.Interface, move.From, move.Verify));
        Assert.Null(rig.AnswerTo(request));

        rig.Finish(false, "no reply from 10.50.0.1");

        Assert.Equal(Refusal("moving web-ip to a1 failed verification: no reply from 10.50.0.1; it stays on a0"), Of(rig.AnswerTo(request)!));
        Assert.Equal("a0", rig.Current());
    }

    [Fact]
    public void UnderStayAMoveToTheBackupMakesItTheHomeAndTheOldHomeTheBackup()
    {
        var rig = Rig(failback: InterfaceFailback.Stay);
        rig.Ask(r => new BackupAdd(r, "web-ip", "a2"));
        var answer = rig.Ask(r => new MoveToBackup(r, "web-ip"));

        Assert.Equal((true, "web-ip 10.0.0.5/24 moved from a0 to backup a2; a2 is its new home"), Of(answer));
        var saved = rig.Log.OfType<SavePlacement>().Last().Placement;
        Assert.Equal(("a2", "a0"), (saved.Homes["web-ip"], saved.Backups["web-ip"]));
        Assert.Equal(("a2", "a0", false), (rig.Address().Home, rig.Address().Backup, rig.Address().Visiting));
    }

    [Fact]
    public void SwitchRefusesWhenTheHomeCannotHoldTheAddress()
    {
        var rig = Rig(pairA0A1: true, failback: InterfaceFailback.Manual);
        rig.Link("a0", running: false);
        Assert.Equal(Refusal("home interface a0 of web-ip is failed (carrier lost)"), Of(rig.Ask(r => new SwitchHome(r, "web-ip"))));
        Assert.Equal("a1", rig.Current());
    }

    [Fact]
    public void SwitchOfTheGroupAnswersOnceEveryVisitorIsHome()
    {
        var rig = new InterfaceRig(Group(failback: InterfaceFailback.Manual, probes: false));
        rig.Start();
        rig.Start("db-ip", "10.0.0.6/24");
        rig.Link("a0", running: false);
        rig.Link("a0");
        rig.HoldOps = true;
        var request = rig.Send(r => new SwitchHome(r, null));
        Assert.Equal(2, rig.Held.Count);

        rig.Finish();
        Assert.Null(rig.AnswerTo(request));
        rig.Finish(false, "no reply");

        Assert.Equal(Refusal("db-ip back home on a0; returning web-ip to a0 failed: no reply; it stays on a1"), Of(rig.AnswerTo(request)!));
        Assert.Equal(("a0", "a1"), (rig.Current("db-ip"), rig.Current("web-ip")));
    }
}
