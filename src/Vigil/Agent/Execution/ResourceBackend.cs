using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent.Execution;

/// <summary>Everything one resource action needs: which resource, its facts, the action and its time limit.</summary>
/// <param name="MonitorInterval">The resource's monitor interval (OCF_RESKEY_CRM_meta_interval for monitors).</param>
internal sealed record ResourceRun(
    string Resource,
    string Type,
    string Group,
    IReadOnlyDictionary<string, string> Params,
    ResourceAction Action,
    TimeSpan Timeout,
    TimeSpan MonitorInterval,
    AgentSettings Settings)
{
    public string ActionName => Action.ToString().ToLowerInvariant();
    public string Node => Settings.Node.Name;
}

/// <summary>How an action ended, with a one-line detail for the operator and the program's output (may be empty).</summary>
internal sealed record ActionOutcome(ActionResult Result, string Detail, string Output = "");

/// <summary>
/// One kind of resource (FailSafe action scripts, OCF agents, systemd units, the built-in process type…): runs
/// an action and says honestly how it ended. Never throws for a failing program; a timeout is a failure.
/// </summary>
internal interface IResourceBackend
{
    Task<ActionOutcome> RunAsync(ResourceRun run, CancellationToken cancel);
}
