using Vigil.Core.Coordination;
using Vigil.Core.Node;

namespace Vigil.Simulation;

/// <summary>Applying timeline actions: faults, repairs and operator commands.</summary>
public sealed partial class Simulation
{
    private void Apply(SimAction action)
    {
        Log(action is SimAction.Operator ? SimLogKind.Operator : SimLogKind.Fault, null, action.Describe());
        switch (action)
        {
            case SimAction.Kill a: Crash(NodeNamed(a.Node), "killed"); break;
            case SimAction.Restart a: Boot(NodeNamed(a.Node)); break;
            case SimAction.Partition a: SetTruth(() => topology.Partition(a.Sides)); break;
            case SimAction.OneWayCut a: SetTruth(() => topology.Cut(a.From, a.To)); break;
            case SimAction.Heal: SetTruth(topology.Heal); break;
            case SimAction.FailMonitor a: resources.FailMonitor(a.Resource, a.Node); break;
            case SimAction.FailStart a: resources.FailStart(a.Resource, a.Node, a.Persistent); break;
            case SimAction.FailFence a:
                if (a.On) fenceFailures.Add(a.Node); else fenceFailures.Remove(a.Node);
                break;
            case SimAction.NetworkFaults a: network.Faults = a; break;
            case SimAction.ClearFaults: ClearFaults(); break;
            case SimAction.FailCriticalDevice a: SetCriticalDevice(NodeNamed(a.Node), a.Device, a.Failed); break;
            case SimAction.Operator a: GiveToCoordinator(a.Command); break;
            default: throw new InvalidOperationException($"unknown action {action.GetType().Name}");
        }
    }

    private SimNode NodeNamed(string name) =>
        nodes.TryGetValue(name, out var node) ? node : throw new ArgumentException($"timeline names unknown node '{name}'");

    private void ClearFaults()
    {
        network.Faults = SimNetwork.None;
        resources.ClearFaults();
        fenceFailures.Clear();
        foreach (var node in nodesInOrder)
            foreach (var device in node.FailedDevices.ToList())
                SetCriticalDevice(node, device, failed: false);
    }

    private void SetCriticalDevice(SimNode node, string device, bool failed)
    {
        var changed = failed ? node.FailedDevices.Add(device) : node.FailedDevices.Remove(device);
        if (changed && node.Alive) StepController(node, new CriticalDeviceChanged(device, Healthy: !failed));
    }

    private void GiveToCoordinator(OperatorCommand command)
    {
        if (CoordinatorFor(command) is { } coordinator)
        {
            Log(SimLogKind.Operator, coordinator.Name, "command received");
            StepCoordinator(coordinator, new OperatorRequest(command));
            ProcessReady(coordinator);
        }
        else
        {
            Log(SimLogKind.Operator, null, "command lost: no leader is coordinating");
        }
    }
}
