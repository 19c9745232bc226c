using Vigil.Core.Coordination;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// Runs a node's fence device for the coordinator. A `script` device runs its `command` param (relative to the
/// configuration's directory) with the node name and the action ("off") as arguments and VIGIL_FENCE_NODE,
/// VIGIL_FENCE_PORT, VIGIL_FENCE_ACTION in the environment; exit 0 is success, anything else or a timeout
/// (param `timeout`, default 60 s) a failure. fence_* agents come with the resources issue and fail here with that reason.
/// </summary>
internal sealed class FenceRunner(AgentSettings settings, Func<Core.Configuration.ClusterConfig> config)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public async Task<FenceCompleted> RunAsync(FenceNode fence, CancellationToken cancel)
    {
        var device = config().FenceDevices.FirstOrDefault(d => d.Name == fence.Device);
        if (device is null) return Failed(fence, $"fence device {fence.Device} is not in the configuration");
        if (device.Agent != "script")
            return Failed(fence, $"fence agent '{device.Agent}' is not supported by this agent yet (only 'script')");
        if (!device.Params.TryGetValue("command", out var command))
            return Failed(fence, $"fence device {device.Name} has no 'command' param");
        var timeout = device.Params.TryGetValue("timeout", out var t) && Core.Configuration.DurationParser.TryParse(t, out var parsed, out _) ? parsed : DefaultTimeout;
        var environment = new Dictionary<string, string>
        {
            ["VIGIL_FENCE_NODE"] = fence.Node,
            ["VIGIL_FENCE_PORT"] = fence.Port ?? "",
            ["VIGIL_FENCE_ACTION"] = "off",
            ["VIGIL_FENCE_ATTEMPT"] = fence.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var run = await ChildProcess.RunAsync(settings.Resolve(command), [fence.Node, "off"], environment, settings.ConfigDirectory, timeout, null, cancel);
        var detail = run.Output.Length > 0 ? $"{run.Describe()}: {run.Output.Split('\n')[^1].Trim()}" : run.Describe();
        return new FenceCompleted(fence.Node, fence.Attempt, run.Succeeded, detail);
    }

    private static FenceCompleted Failed(FenceNode fence, string why) => new(fence.Node, fence.Attempt, false, why);
}
