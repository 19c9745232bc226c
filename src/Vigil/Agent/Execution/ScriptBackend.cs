using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// FailSafe action scripts: the executable the resource type names for the action, with the action as its
/// argument and the resource's facts in the environment (VIGIL_ACTION, VIGIL_RESOURCE, VIGIL_RESOURCE_TYPE,
/// VIGIL_GROUP, VIGIL_NODE, VIGIL_RUN_DIR, VIGIL_PARAM_&lt;NAME&gt; for each param). Exit codes (OCF's): 0 success —
/// for monitor and exclusive "running here"; 7 "not running"; anything else, a timeout or a program that cannot
/// start is a failure. A type without an exclusive script means "not running here" (FailSafe).
/// </summary>
internal sealed class ScriptBackend(ResourceTypeConfig type) : IResourceBackend
{
    /// <summary>OCF_NOT_RUNNING.</summary>
    private const int NotRunning = 7;

    public async Task<ActionOutcome> RunAsync(ResourceRun run, CancellationToken cancel)
    {
        if (!type.Actions.TryGetValue(run.Action, out var program))
            return run.Action == ResourceAction.Exclusive
                ? new ActionOutcome(ActionResult.NotRunning, "no exclusive script: taken as not running here")
                : new ActionOutcome(ActionResult.Failed, $"type {type.Name} has no {run.ActionName} script");
        var environment = new Dictionary<string, string>
        {
            ["VIGIL_ACTION"] = run.ActionName,
            ["VIGIL_RESOURCE"] = run.Resource,
            ["VIGIL_RESOURCE_TYPE"] = run.Type,
            ["VIGIL_GROUP"] = run.Group,
            ["VIGIL_NODE"] = run.Node,
            ["VIGIL_RUN_DIR"] = run.Settings.RunDir,
        };
        foreach (var (key, value) in run.Params) environment["VIGIL_PARAM_" + key.ToUpperInvariant()] = value;
        var result = await ChildProcess.RunAsync(run.Settings.Resolve(program), [run.ActionName], environment,
            run.Settings.ConfigDirectory, run.Timeout, null, cancel);
        return new ActionOutcome(Interpret(run.Action, result), result.Describe(), result.Output);
    }

    private static ActionResult Interpret(ResourceAction action, ChildResult run)
    {
        if (run.TimedOut) return ActionResult.TimedOut;
        var probe = action is ResourceAction.Monitor or ResourceAction.Exclusive;
        return run.ExitCode switch
        {
            0 => probe ? ActionResult.Running : ActionResult.Success,
            NotRunning when probe => ActionResult.NotRunning,
            NotRunning when action == ResourceAction.Stop => ActionResult.Success, // already stopped
            _ => ActionResult.Failed,
        };
    }
}
