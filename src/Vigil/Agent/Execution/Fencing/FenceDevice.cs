using Vigil.Core.Configuration;

namespace Vigil.Cli.Agent.Execution.Fencing;

/// <summary>One fencing request as a device runs it: the node, its port on the device (resolved), the action and the time limit.</summary>
/// <param name="Port">The node's port/plug: the node's own <c>fence.port</c>, else the device's host_map entry; null if neither.</param>
/// <param name="Action">"off" or "reboot".</param>
internal sealed record FenceRequest(
    string Node,
    int Attempt,
    string? Port,
    string Action,
    TimeSpan Timeout,
    FenceDeviceConfig Device,
    AgentSettings Settings);

/// <summary>How a fencing ended, with one line for the operator (never the device's credentials).</summary>
internal sealed record FenceOutcome(bool Success, string Detail);

/// <summary>One kind of fence device (script, fence_* agent, the built-in process device). Never throws for a failing device; a timeout is a failure.</summary>
internal interface IFenceDevice
{
    Task<FenceOutcome> RunAsync(FenceRequest request, CancellationToken cancel);
}
