using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Coordination;

namespace Vigil.Simulation;

/// <summary>Draws fault episodes (a fault and, mostly, its repair) for <see cref="RandomSchedule"/>.</summary>
internal sealed class RandomEpisodes(ClusterConfig config, Random random, TimeSpan faultPhase)
{
    private readonly List<string> nodes = config.Nodes.Select(n => n.Name).ToList();
    private readonly List<string> servers = config.Servers.Select(n => n.Name).ToList();
    private readonly HashSet<string> standby = new(StringComparer.Ordinal);

    public List<ScheduledAction> Actions { get; } = [];

    /// <summary>Nodes some episode put into standby (the settle phase brings them back).</summary>
    public IReadOnlyCollection<string> StandbyNodes => standby.Order(StringComparer.Ordinal).ToList();

    public void AddOne()
    {
        var at = Time(TimeSpan.FromMilliseconds(500), faultPhase);
        switch (random.Next(100))
        {
            case < 18: Crash(at); break;
            case < 32: Partition(at); break;
            case < 36: OneWayCut(at); break;
            case < 48: NetworkWindow(at); break;
            case < 58: Add(at, new SimAction.FailMonitor(Pick(config.Resources).Name, null)); break;
            case < 68: Add(at, new SimAction.FailStart(Pick(config.Resources).Name, Pick(servers), random.Next(100) < 30)); break;
            case < 78: FenceFailure(at); break;
            case < 86 when config.CriticalDevices.Count > 0: CriticalDevice(at); break;
            default: OperatorCommand(at); break;
        }
    }

    private void Crash(TimeSpan at)
    {
        var node = Pick(nodes);
        Window(at, new SimAction.Kill(node), new SimAction.Restart(node), 0.2, 6);
    }

    private void FenceFailure(TimeSpan at)
    {
        var node = Pick(nodes);
        Window(at, new SimAction.FailFence(node, true), new SimAction.FailFence(node, false), 1, 10);
    }

    private void Partition(TimeSpan at)
    {
        var shuffled = nodes.OrderBy(_ => random.Next()).ToList();
        var cut = random.Next(3) switch
        {
            0 => shuffled.Count / 2,                  // 50/50 (or nearest) split
            1 => 1,                                   // one node isolated
            _ => random.Next(1, shuffled.Count),      // any two-way split
        };
        IReadOnlyList<string> left = shuffled.Take(cut).ToList(), right = shuffled.Skip(cut).ToList();
        Window(at, new SimAction.Partition([left, right]), new SimAction.Heal(), 1, 8);
    }

    /// <summary>
    /// An asymmetric fault, healed by a heal: one link cut one way, or a node that can no longer send (every
    /// link from it cut) or no longer hear (every link to it cut) while the other direction still works.
    /// </summary>
    private void OneWayCut(TimeSpan at)
    {
        var node = Pick(nodes);
        var others = nodes.Where(n => n != node).ToList();
        List<SimAction.OneWayCut> cuts = random.Next(3) switch
        {
            0 => [new SimAction.OneWayCut(node, Pick(others))],
            1 => others.Select(other => new SimAction.OneWayCut(node, other)).ToList(),
            _ => others.Select(other => new SimAction.OneWayCut(other, node)).ToList(),
        };
        foreach (var cut in cuts) Add(at, cut);
        Add(at + Time(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)), new SimAction.Heal());
    }

    private void NetworkWindow(TimeSpan at)
    {
        var faults = new SimAction.NetworkFaults(random.Next(0, 31), random.Next(0, 21), random.Next(5, 201), random.Next(2) == 0);
        Window(at, faults, new SimAction.NetworkFaults(0, 0, 0, false), 1, 6);
    }

    private void CriticalDevice(TimeSpan at)
    {
        var (node, device) = (Pick(servers), Pick(config.CriticalDevices).Name);
        Window(at, new SimAction.FailCriticalDevice(node, device, true), new SimAction.FailCriticalDevice(node, device, false), 1, 8);
    }

    private void OperatorCommand(TimeSpan at)
    {
        var group = Pick(config.ResourceGroups);
        switch (random.Next(3))
        {
            case 0:
                Add(at, new SimAction.Operator(new MoveGroup(group.Name, Pick(config.PolicyOf(group).Domain.ToList()))));
                break;
            case 1 when standby.Count == 0:
                // One standby per timeline, so no group's whole domain is ever out of service.
                var node = Pick(servers);
                standby.Add(node);
                Window(at, new SimAction.Operator(new SetNodeAdmin(node, NodeAdminState.Standby)),
                    new SimAction.Operator(new SetNodeAdmin(node, NodeAdminState.Online)), 1, 6);
                break;
            default:
                Add(at, new SimAction.Operator(new FailbackNow(group.Name)));
                break;
        }
    }

    /// <summary>A fault at <paramref name="at"/> and its repair 'min'–'max' seconds later.</summary>
    private void Window(TimeSpan at, SimAction fault, SimAction repair, double minSeconds, double maxSeconds)
    {
        Add(at, fault);
        Add(at + Time(TimeSpan.FromSeconds(minSeconds), TimeSpan.FromSeconds(maxSeconds)), repair);
    }

    private void Add(TimeSpan at, SimAction action) => Actions.Add(new ScheduledAction(at, action));

    private TimeSpan Time(TimeSpan min, TimeSpan max) =>
        RandomSchedule.Round(min + TimeSpan.FromMilliseconds(random.NextDouble() * (max - min).TotalMilliseconds));

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
