using System.Globalization;

namespace Vigil.Cli.Agent.Execution.Fencing;

/// <summary>
/// A <c>script</c> device: its <c>command</c> param (relative to the configuration's directory) runs with the node
/// name and the action as arguments and VIGIL_FENCE_NODE, VIGIL_FENCE_PORT, VIGIL_FENCE_ACTION,
/// VIGIL_FENCE_ATTEMPT in the environment. Exit 0 is success; anything else or a timeout a failure.
/// </summary>
internal sealed class ScriptFenceDevice : IFenceDevice
{
    public async Task<FenceOutcome> RunAsync(FenceRequest request, CancellationToken cancel)
    {
        var prefix = $"script {request.Action} {request.Node}";
        var command = request.Device.Params["command"]; // FenceDeviceParams.Check made sure it is there
        var environment = new Dictionary<string, string>
        {
            ["VIGIL_FENCE_NODE"] = request.Node,
            ["VIGIL_FENCE_PORT"] = request.Port ?? "",
            ["VIGIL_FENCE_ACTION"] = request.Action,
            ["VIGIL_FENCE_ATTEMPT"] = request.Attempt.ToString(CultureInfo.InvariantCulture),
        };
        var run = await ChildProcess.RunAsync(request.Settings.Resolve(command), [request.Node, request.Action], environment,
            request.Settings.ConfigDirectory, request.Timeout, null, cancel);
        if (run.StartError is not null) return new FenceOutcome(false, $"{prefix}: {run.Describe()}");
        if (run.TimedOut)
            return new FenceOutcome(false, cancel.IsCancellationRequested
                ? $"{prefix}: cancelled (the agent is stopping) and killed"
                : $"{prefix}: timed out after {Core.Text.Duration(request.Timeout)} and was killed");
        var line = FenceAgentDevice.SummaryLine(run.Output);
        return new FenceOutcome(run.Succeeded, $"{prefix}: exit {run.ExitCode}" + (line.Length > 0 ? ": " + line : ""));
    }
}
