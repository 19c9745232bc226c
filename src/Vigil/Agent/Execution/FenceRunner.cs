using Vigil.Cli.Agent.Execution.Fencing;
using Vigil.Core.Configuration;
using Vigil.Core.Coordination;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// Runs a node's fence device for the coordinator (or for <c>vigil fence NODE</c>). The device's <c>agent</c>
/// picks how: <c>script</c> (<see cref="ScriptFenceDevice"/>), a fence_* program of fence-agents
/// (<see cref="FenceAgentDevice"/>), or the built-in <c>process</c> device for clusters on one machine
/// (<see cref="ProcessFenceDevice"/>). A device with a problem (<see cref="CheckDevice"/>) or an unknown agent
/// fails with the reason; a hanging program is killed at the device's <c>timeout</c> (default 60s) and fails.
/// The detail is one line, e.g. "fence_ipmilan reboot n2: exit 0: Success: Rebooted".
/// </summary>
internal sealed class FenceRunner(AgentSettings settings, Func<ClusterConfig> config)
{
    public static readonly TimeSpan DefaultTimeout = FenceDeviceParams.DefaultTimeout;

    /// <summary>
    /// Every problem with a fence device, one line each (unknown agent, missing command, inline password, bad
    /// action/timeout/host_map/verify); empty when it can run. For config validation: never quotes a secret.
    /// </summary>
    public static IReadOnlyList<string> CheckDevice(FenceDeviceConfig device) => FenceDeviceParams.Check(device);

    /// <summary>Fences with the device's own action (its <c>action</c> param; reboot for fence_* agents, off otherwise).</summary>
    public Task<FenceCompleted> RunAsync(FenceNode fence, CancellationToken cancel) => RunAsync(fence, null, cancel);

    /// <summary>Fences with <paramref name="action"/> ("off" or "reboot") instead of the device's, when given.</summary>
    public async Task<FenceCompleted> RunAsync(FenceNode fence, string? action, CancellationToken cancel)
    {
        var device = config().FenceDevices.FirstOrDefault(d => d.Name == fence.Device);
        if (device is null) return Completed(fence, false, $"fence device {fence.Device} is not in the configuration");
        var problems = FenceDeviceParams.Check(device);
        if (problems.Count > 0) return Completed(fence, false, string.Join("; ", problems));
        action ??= FenceDeviceParams.Action(device);
        if (!FenceDeviceParams.Actions.Contains(action))
            return Completed(fence, false, $"fence device {device.Name}: action '{action}' is not supported (use {string.Join(" or ", FenceDeviceParams.Actions)})");
        IFenceDevice runner = FenceDeviceParams.KindOf(device.Agent) switch
        {
            FenceAgentKind.Script => new ScriptFenceDevice(),
            FenceAgentKind.FenceAgent => new FenceAgentDevice(),
            _ => new ProcessFenceDevice(), // Check refused unknown agents
        };
        var request = new FenceRequest(fence.Node, fence.Attempt, FenceDeviceParams.PortFor(device, fence.Node, fence.Port), action,
            FenceDeviceParams.Timeout(device), device, settings);
        try
        {
            var outcome = await runner.RunAsync(request, cancel);
            return Completed(fence, outcome.Success, outcome.Detail);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return Completed(fence, false, $"fencing {fence.Node} with {device.Name} cancelled: the agent is stopping");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return Completed(fence, false, $"fencing {fence.Node} with {device.Name}: internal error: {e.Message}");
        }
    }

    private static FenceCompleted Completed(FenceNode fence, bool success, string detail) => new(fence.Node, fence.Attempt, success, detail);
}
