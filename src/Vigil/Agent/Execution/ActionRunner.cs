using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// Runs the resource actions the node controller asks for, through the backend of the resource's type: a
/// declared resource type (FailSafe action scripts), "ocf:PROVIDER:AGENT", "systemd:UNIT", the built-in
/// "process", or "ip_address" (through the node's interface groups, <see cref="Interfaces.InterfaceService"/>). At most
/// <see cref="MaxConcurrent"/> actions run at once; each action's output goes to the agent's log, prefixed with
/// the resource's name.
/// </summary>
internal sealed class ActionRunner(AgentSettings settings, Func<ClusterConfig> config, Action<string> log, Interfaces.InterfaceService? interfaces = null)
{
    public const int MaxConcurrent = 8;

    /// <summary>Output lines per action written to the log.</summary>
    public const int MaxLoggedLines = 20;

    private readonly SemaphoreSlim slots = new(MaxConcurrent);
    private readonly OcfBackend ocf = new();
    private readonly SystemdBackend systemd = new();
    private readonly ProcessBackend process = new();
    private readonly IpAddressBackend ipAddress = new(interfaces);

    public async Task<ActionCompleted> RunAsync(RunAction action, CancellationToken cancel)
    {
        var current = config();
        var resource = current.Resource(action.Resource);
        var catalog = new ResourceTypeCatalog(current.ResourceTypes);
        var run = new ResourceRun(action.Resource, resource.Type, action.Group, resource.Params, action.Action, action.Timeout,
            catalog.Resolve(resource.Type).MonitorInterval, settings);
        await slots.WaitAsync(cancel);
        ActionOutcome outcome;
        try
        {
            outcome = await BackendFor(current, resource.Type).RunAsync(run, cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = new ActionOutcome(ActionResult.Failed, $"internal error running {run.ActionName}: {e.Message}");
        }
        finally
        {
            slots.Release();
        }
        if (outcome.Output.Length > 0)
            foreach (var line in outcome.Output.Split('\n').Take(MaxLoggedLines)) log($"{action.Resource} {run.ActionName}: {line.TrimEnd()}");
        return new ActionCompleted(action.ActionId, outcome.Result, outcome.Detail);
    }

    private IResourceBackend BackendFor(ClusterConfig current, string type)
    {
        if (current.ResourceTypes.FirstOrDefault(t => t.Name == type) is { } declared) return new ScriptBackend(declared);
        if (type.StartsWith("ocf:", StringComparison.Ordinal)) return ocf;
        if (type.StartsWith("systemd:", StringComparison.Ordinal)) return systemd;
        if (type == "process") return process;
        if (type == "ip_address") return ipAddress;
        return new UnsupportedBackend($"type {type} is not supported by this agent");
    }

    private sealed class UnsupportedBackend(string why) : IResourceBackend
    {
        public Task<ActionOutcome> RunAsync(ResourceRun run, CancellationToken cancel) => Task.FromResult(
            run.Action is ResourceAction.Exclusive or ResourceAction.Stop
                ? new ActionOutcome(run.Action == ResourceAction.Stop ? ActionResult.Success : ActionResult.NotRunning, why)
                : new ActionOutcome(ActionResult.Failed, why));
    }
}
