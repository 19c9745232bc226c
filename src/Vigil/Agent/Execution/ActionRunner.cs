using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// Runs the resource actions the node controller asks for, as FailSafe action scripts: the executable the
/// resource type names for the action, with the action as its argument and the resource's facts in the
/// environment (VIGIL_ACTION, VIGIL_RESOURCE, VIGIL_RESOURCE_TYPE, VIGIL_GROUP, VIGIL_NODE, VIGIL_RUN_DIR,
/// VIGIL_PARAM_&lt;NAME&gt; for each param), with the action's timeout. Exit codes (OCF's): 0 success — for monitor
/// and exclusive "running here"; 7 "not running"; anything else, a timeout or a program that cannot start is a
/// failure. At most <see cref="MaxConcurrent"/> actions run at once. Built-in and agent-backed types (process,
/// ip_address, ocf:, systemd:) come with the resources issue: they fail here with that reason.
/// </summary>
internal sealed class ActionRunner(AgentSettings settings, Func<ClusterConfig> config, Action<string> log)
{
    public const int MaxConcurrent = 8;

    /// <summary>OCF_NOT_RUNNING.</summary>
    private const int NotRunning = 7;

    private readonly SemaphoreSlim slots = new(MaxConcurrent);

    public async Task<ActionCompleted> RunAsync(RunAction action, CancellationToken cancel)
    {
        var current = config();
        var resource = current.Resource(action.Resource);
        var type = current.ResourceTypes.FirstOrDefault(t => t.Name == resource.Type);
        if (type is null || !type.Actions.TryGetValue(action.Action, out var program))
            return Result(action, type is null ? ActionResult.Failed : Missing(action.Action), $"type {resource.Type} has no {Name(action.Action)} action this agent can run yet");
        var environment = new Dictionary<string, string>
        {
            ["VIGIL_ACTION"] = Name(action.Action),
            ["VIGIL_RESOURCE"] = action.Resource,
            ["VIGIL_RESOURCE_TYPE"] = resource.Type,
            ["VIGIL_GROUP"] = action.Group,
            ["VIGIL_NODE"] = settings.Node.Name,
            ["VIGIL_RUN_DIR"] = settings.RunDir,
        };
        foreach (var (key, value) in resource.Params) environment["VIGIL_PARAM_" + key.ToUpperInvariant()] = value;
        await slots.WaitAsync(cancel);
        ChildResult run;
        try
        {
            run = await ChildProcess.RunAsync(settings.Resolve(program), [Name(action.Action)], environment, settings.ConfigDirectory, action.Timeout, null, cancel);
        }
        finally
        {
            slots.Release();
        }
        if (run.Output.Length > 0)
            foreach (var line in run.Output.Split('\n').Take(20)) log($"{action.Resource} {Name(action.Action)}: {line.TrimEnd()}");
        return Result(action, Interpret(action.Action, run), run.Describe());
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

    /// <summary>No exclusive action: nothing runs here yet (FailSafe treats a missing exclusive as "not running").</summary>
    private static ActionResult Missing(ResourceAction action) => action == ResourceAction.Exclusive ? ActionResult.NotRunning : ActionResult.Failed;

    private static ActionCompleted Result(RunAction action, ActionResult result, string detail) => new(action.ActionId, result, detail);

    private static string Name(ResourceAction action) => action.ToString().ToLowerInvariant();
}
