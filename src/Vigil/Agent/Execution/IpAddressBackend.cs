using Vigil.Cli.Agent.Interfaces;
using Vigil.Cli.Agent.Network;
using Vigil.Core.Configuration;
using Vigil.Core.Interfaces;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// The built-in `ip_address` type (params address=IP/prefix, interface_group=NAME): start brings the address up on
/// the best interface of the node's interface group, stop takes it off every interface of the group, monitor
/// checks it is present on a running interface — and when it is not, runs LifeKeeper's local recovery first
/// (re-add on the current interface, else move to the backup) and reports a failure only when both fail, so the
/// node controller's restart or failover comes last. The exclusive probe says running when the address is up on
/// any interface of the group.
/// </summary>
internal sealed class IpAddressBackend(InterfaceService? interfaces) : IResourceBackend
{
    public async Task<ActionOutcome> RunAsync(ResourceRun run, CancellationToken cancel)
    {
        if (!run.Params.TryGetValue("address", out var address) || !run.Params.TryGetValue("interface_group", out var group))
            return new ActionOutcome(ActionResult.Failed, $"ip_address resource {run.Resource} needs the params address and interface_group");
        if (interfaces is null || !interfaces.Has(group))
        {
            var why = $"interface group {group} is not defined on {run.Node}";
            return run.Action switch
            {
                ResourceAction.Stop => new ActionOutcome(ActionResult.Success, why + "; nothing to stop"),
                ResourceAction.Exclusive => new ActionOutcome(ActionResult.NotRunning, why),
                _ => new ActionOutcome(ActionResult.Failed, why),
            };
        }
        return run.Action switch
        {
            ResourceAction.Exclusive => Exclusive(group, address),
            ResourceAction.Start => await StartAsync(run, group, address, cancel),
            ResourceAction.Stop => await StopAsync(run, group, address, cancel),
            ResourceAction.Monitor => await MonitorAsync(run, group, address, cancel),
            ResourceAction.Restart => await RestartAsync(run, group, address, cancel),
            _ => new ActionOutcome(ActionResult.Failed, $"action {run.ActionName} is not supported by type ip_address"),
        };
    }

    private ActionOutcome Exclusive(string group, string address)
    {
        var where = interfaces!.InterfacesOf(group).Where(i => AddressTool.IsPresent(i, address)).ToList();
        return where.Count > 0
            ? new ActionOutcome(ActionResult.Running, $"{address} is up on {string.Join(", ", where)}")
            : new ActionOutcome(ActionResult.NotRunning, $"{address} is not up on this node");
    }

    private async Task<ActionOutcome> StartAsync(ResourceRun run, string group, string address, CancellationToken cancel)
    {
        var (ok, detail) = await interfaces!.AskAsync(group, id => new AddressWanted(id, run.Resource, address), cancel);
        return new ActionOutcome(ok ? ActionResult.Success : ActionResult.Failed, detail);
    }

    private async Task<ActionOutcome> StopAsync(ResourceRun run, string group, string address, CancellationToken cancel)
    {
        var (ok, detail) = await interfaces!.AskAsync(group, id => new AddressReleased(id, run.Resource), cancel);
        // Whatever the machine knew, the address must be gone from every interface of the group (after a restart
        // of the agent it may still be up from before).
        var left = new List<string>();
        foreach (var iface in interfaces.InterfacesOf(group).Where(i => AddressTool.IsPresent(i, address)))
        {
            var removed = await AddressTool.RemoveAsync(iface, address, cancel);
            if (!removed.Ok) left.Add($"{iface}: {removed.Detail}");
        }
        if (left.Count > 0) return new ActionOutcome(ActionResult.Failed, $"{address} is still up on {string.Join("; ", left)}");
        return new ActionOutcome(ActionResult.Success, ok ? detail : $"{address} removed ({detail})");
    }

    private async Task<ActionOutcome> MonitorAsync(ResourceRun run, string group, string address, CancellationToken cancel)
    {
        var (current, usable) = interfaces!.Locate(group, run.Resource);
        if (current is null)
            return new ActionOutcome(ActionResult.NotRunning, $"{address} is not placed by this agent in interface group {group}");
        if (usable && AddressTool.IsPresent(current, address))
            return new ActionOutcome(ActionResult.Running, $"{address} up on {current}");
        var why = usable ? $"{address} is missing from {current}" : $"interface {current} is not running";
        var (ok, detail) = await interfaces.AskAsync(group, id => new AddressLost(id, run.Resource, why), cancel);
        return ok
            ? new ActionOutcome(ActionResult.Running, $"{why}; recovered locally: {detail}")
            : new ActionOutcome(ActionResult.NotRunning, $"{why}; local recovery failed: {detail}");
    }

    private async Task<ActionOutcome> RestartAsync(ResourceRun run, string group, string address, CancellationToken cancel)
    {
        var stopped = await StopAsync(run, group, address, cancel);
        return stopped.Result != ActionResult.Success ? stopped : await StartAsync(run, group, address, cancel);
    }
}
