using Vigil.Core.Configuration;
using Vigil.Core.Interfaces;
using static Vigil.Core.Tests.Interfaces.InterfaceRig;

namespace Vigil.Core.Tests.Interfaces;

/// <summary>What `vigil ip status` shows, timing derived from the FDT, and the machine's guard rails.</summary>
public class InterfaceViewTests
{
    [Fact]
    public void TimingFollowsTheFailureDetectionTime()
    {
        var machine = new InterfaceRig().Machine;
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)), (machine.ProbeInterval, machine.ProbeTimeout));
        Assert.True(machine.TickInterval <= machine.ProbeTimeout / 2);
        Assert.Equal(InterfaceGroupMachine.TickIntervalWithoutProbes, new InterfaceRig(Group(probes: false)).Machine.TickInterval);
    }

    [Fact]
    public void FlagsShowRunningFailedOfflineInactiveAndNoProbe()
    {
        var rig = new InterfaceRig(Group([If("a0", "a1"), If("a1", "a0"), If("a2", test: false), If("a3")]));
        rig.Start();
        rig.Link("a1", running: false);
        rig.Link("a3", up: false);

        var flags = rig.Machine.View().Interfaces.ToDictionary(i => i.Name, i => string.Join(",", i.Flags));
        Assert.Equal("RUNNING", flags["a0"]);
        Assert.Equal("FAILED", flags["a1"]);
        Assert.Equal("RUNNING,INACTIVE,NOPROBE", flags["a2"]);
        Assert.Equal("RUNNING,OFFLINE", flags["a3"]);
    }

    [Fact]
    public void ProbeCountersTellWhatHappenedLast()
    {
        var rig = new InterfaceRig();
        rig.Run(TimeSpan.FromSeconds(3));
        Assert.Equal(new ProbeCounters(2, 2, 0, 0, 2, "10.50.0.2", "reply from 10.50.0.2"), rig.Interface("a0").Probes);

        rig.Silent.Add("a0");
        rig.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(new ProbeCounters(3, 2, 1, 1, 0, "10.50.0.1", "missed 10.50.0.1"), rig.Interface("a0").Probes);
    }

    [Fact]
    public void TheViewDescribesTheGroupAndItsAddresses()
    {
        var rig = new InterfaceRig(Group(failback: InterfaceFailback.Manual));
        rig.Start();
        rig.Link("a0", running: false);

        var view = rig.Machine.View();
        Assert.Equal(("public", InterfaceGroupState.Degraded, InterfaceFailback.Manual, Fdt), (view.Group, view.State, view.Failback,
            view.FailureDetectionTime));
        Assert.Equal(new AddressView("web-ip", "10.0.0.5/24", "a0", "a1", true, "a1", "config", "placed"), view.Addresses.Single());
        Assert.Equal(("10.0.0.10/24", "a1", "carrier lost"), (view.Interfaces[0].TestAddress, view.Interfaces[0].Backup,
            view.Interfaces[0].Reason));
    }

    [Fact]
    public void ARestoredPlacementOfAnotherGroupIsIgnored()
    {
        var homes = new Dictionary<string, string> { ["web-ip"] = "a1" };
        var rig = new InterfaceRig(Group(failback: InterfaceFailback.Stay), new PersistedPlacement("private", homes, homes));
        rig.Start();
        Assert.Equal(("a0", "config"), (rig.Address().Home, rig.Address().BackupSource));
    }

    [Fact]
    public void RepliesAndResultsForUnknownInterfacesSequencesAndOperationsAreIgnored()
    {
        var rig = new InterfaceRig();
        rig.Start();
        var view = rig.Machine.View();
        rig.Step(new ProbeReplied("eth9", 1, "10.50.0.1"));
        rig.Step(new ProbeReplied("a0", 999, "10.50.0.1"));
        rig.Step(new ProbeNotSent("a0", 999, "x"));
        rig.Step(new AddressOpFinished(999, false, "x"));
        rig.Step(new LinkObserved("eth9", LinkFacts.Missing));
        Assert.Equal(view.Interfaces.Select(i => i.Probes), rig.Machine.View().Interfaces.Select(i => i.Probes));
        Assert.Equal(view.Addresses, rig.Machine.View().Addresses);
    }

    [Fact]
    public void TimeGoingBackIsAnInvariantViolation()
    {
        var rig = new InterfaceRig();
        rig.Run(TimeSpan.FromSeconds(1));
        Assert.Throws<InvariantViolationException>(() => rig.Machine.Tick(TimeSpan.Zero));
    }
}
