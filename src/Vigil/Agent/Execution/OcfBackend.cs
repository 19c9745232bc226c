using System.Diagnostics;
using Vigil.Cli.Agent.Execution.Ocf;
using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// OCF resource agents ("ocf:PROVIDER:AGENT"), run unchanged: <c>$OCF_ROOT/resource.d/PROVIDER/AGENT ACTION</c>
/// with the environment Pacemaker gives them (<see cref="OcfEnvironment"/>) and Pacemaker's tools shimmed
/// (<see cref="PacemakerShims"/>). Vigil's exclusive is a probe (monitor, interval 0); restart is stop then start
/// within the one timeout. Exit codes are read as <see cref="OcfExitCodes"/> says.
/// </summary>
internal sealed class OcfBackend : IResourceBackend
{
    private readonly string ocfRoot;

    /// <summary>Agents under VIGIL_OCF_ROOT if set, else /usr/lib/ocf.</summary>
    public OcfBackend()
        : this(OcfAgent.DefaultRoot)
    {
    }

    /// <summary>Agents under <paramref name="ocfRoot"/> (tests pass a directory of fake agents).</summary>
    public OcfBackend(string ocfRoot) => this.ocfRoot = ocfRoot;

    public async Task<ActionOutcome> RunAsync(ResourceRun run, CancellationToken cancel)
    {
        if (OcfAgent.Parse(run.Type, ocfRoot) is not { } agent)
            return new ActionOutcome(ActionResult.Failed, $"'{run.Type}' is not an OCF agent type (ocf:PROVIDER:AGENT)");
        if (!agent.IsInstalled) return new ActionOutcome(ActionResult.Failed, agent.NotInstalled);
        Directory.CreateDirectory(OcfEnvironment.ResourceTempDir(run.Settings.RunDir));
        var shims = PacemakerShims.Ensure(run.Settings.RunDir, run.Settings.DataDir);
        return run.Action switch
        {
            ResourceAction.Exclusive => await RunAgentAsync(run, agent, ResourceAction.Exclusive, "monitor", TimeSpan.Zero, run.Timeout, shims, cancel),
            ResourceAction.Monitor => await RunAgentAsync(run, agent, ResourceAction.Monitor, "monitor", run.MonitorInterval, run.Timeout, shims, cancel),
            ResourceAction.Start => await RunAgentAsync(run, agent, ResourceAction.Start, "start", TimeSpan.Zero, run.Timeout, shims, cancel),
            ResourceAction.Stop => await RunAgentAsync(run, agent, ResourceAction.Stop, "stop", TimeSpan.Zero, run.Timeout, shims, cancel),
            ResourceAction.Restart => await RestartAsync(run, agent, shims, cancel),
            _ => new ActionOutcome(ActionResult.Failed, $"unknown action {run.ActionName}"),
        };
    }

    /// <summary>OCF has no restart: stop, then start in what is left of the restart's timeout.</summary>
    private async Task<ActionOutcome> RestartAsync(ResourceRun run, OcfAgent agent, string shims, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var stop = await RunAgentAsync(run, agent, ResourceAction.Stop, "stop", TimeSpan.Zero, run.Timeout, shims, cancel);
        if (stop.Result != ActionResult.Success) return stop with { Detail = "restart: stop: " + stop.Detail };
        var left = run.Timeout - clock.Elapsed;
        if (left <= TimeSpan.Zero)
            return new ActionOutcome(ActionResult.TimedOut, $"restart: the stop used the whole {OcfExitCodes.Format(run.Timeout)} timeout", stop.Output);
        var start = await RunAgentAsync(run, agent, ResourceAction.Start, "start", TimeSpan.Zero, left, shims, cancel);
        var output = string.Join("\n", new[] { stop.Output, start.Output }.Where(o => o.Length > 0));
        return start with { Detail = "restart: start: " + start.Detail, Output = output };
    }

    private static async Task<ActionOutcome> RunAgentAsync(ResourceRun run, OcfAgent agent, ResourceAction action, string ocfAction,
        TimeSpan interval, TimeSpan timeout, string shims, CancellationToken cancel)
    {
        var environment = OcfEnvironment.Build(run, agent, ocfAction, interval, timeout, shims);
        var result = await ChildProcess.RunAsync(agent.ExecutablePath, [ocfAction], environment, "/", timeout, null, cancel);
        return OcfExitCodes.Interpret(action, ocfAction, result, timeout);
    }
}
