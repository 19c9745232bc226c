using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent.Execution.Ocf;

/// <summary>
/// OCF exit codes and what each means for one Vigil action, honestly: "not running" is a success only for a stop,
/// "degraded" is a success with a warning, and every error code says its meaning and the agent's reason.
/// Pacemaker's rule for degraded codes is followed: 190 counts as 0 and 191 as 8, for every action.
/// </summary>
internal static class OcfExitCodes
{
    public const int Success = 0;
    public const int GenericError = 1;
    public const int InvalidArgument = 2;
    public const int Unimplemented = 3;
    public const int InsufficientPrivileges = 4;
    public const int NotInstalled = 5;
    public const int NotConfigured = 6;
    public const int NotRunning = 7;
    public const int RunningPromoted = 8;
    public const int FailedPromoted = 9;
    public const int Degraded = 190;
    public const int DegradedPromoted = 191;

    /// <summary>What agents print before the reason of a failure (ocf_exit_reason); OCF_EXIT_REASON_PREFIX.</summary>
    public const string ExitReasonPrefix = "ocf-exit-reason:";

    /// <summary>The spec's name for <paramref name="code"/>, e.g. "not installed".</summary>
    public static string Meaning(int code) => code switch
    {
        Success => "success",
        GenericError => "generic error",
        InvalidArgument => "invalid argument",
        Unimplemented => "unimplemented",
        InsufficientPrivileges => "insufficient privileges",
        NotInstalled => "not installed",
        NotConfigured => "not configured",
        NotRunning => "not running",
        RunningPromoted => "running promoted",
        FailedPromoted => "failed promoted",
        Degraded => "degraded",
        DegradedPromoted => "degraded promoted",
        _ => "not an OCF exit code",
    };

    /// <summary>
    /// How one agent run ended for <paramref name="action"/> (Exclusive and Monitor are probes; Start; Stop).
    /// <paramref name="ocfAction"/> and <paramref name="timeout"/> only word the detail.
    /// </summary>
    public static ActionOutcome Interpret(ResourceAction action, string ocfAction, ChildResult run, TimeSpan timeout)
    {
        if (run.TimedOut)
            return new ActionOutcome(ActionResult.TimedOut, $"{ocfAction} timed out after {Format(timeout)} and was killed", run.Output);
        if (run.StartError is not null || run.ExitCode is not { } code)
            return new ActionOutcome(ActionResult.Failed, $"could not run the agent: {run.StartError}", run.Output);
        var result = Result(action, code);
        var detail = $"exit {code} ({Meaning(code)})";
        if (code is Degraded or DegradedPromoted && result is ActionResult.Running or ActionResult.Success)
            detail += $"; warning: taken as {(code == Degraded ? "success" : "running promoted")}";
        if (code != Success && Reason(run.Output) is { Length: > 0 } reason) detail += ": " + reason;
        return new ActionOutcome(result, detail, run.Output);
    }

    /// <summary>The result table (docs/resources.md "OCF agents" shows it).</summary>
    public static ActionResult Result(ResourceAction action, int code)
    {
        var probe = action is ResourceAction.Exclusive or ResourceAction.Monitor;
        return code switch
        {
            Success or Degraded => probe ? ActionResult.Running : ActionResult.Success,
            NotRunning when probe => ActionResult.NotRunning,
            NotRunning when action == ResourceAction.Stop => ActionResult.Success, // already stopped
            RunningPromoted or DegradedPromoted when probe => ActionResult.Running,
            // The exclusive probe asks "does it run here?": a failed promoted instance does (the monitor then reports the failure).
            FailedPromoted when action == ResourceAction.Exclusive => ActionResult.Running,
            RunningPromoted or DegradedPromoted when action == ResourceAction.Start => ActionResult.Success,
            _ => ActionResult.Failed, // a stop that leaves it running promoted, 1-6, 9, anything else
        };
    }

    /// <summary>The last "ocf-exit-reason:" line's text, else the last non-empty output line, else "".</summary>
    public static string Reason(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var marked = lines.LastOrDefault(l => l.StartsWith(ExitReasonPrefix, StringComparison.Ordinal));
        return marked is not null ? marked[ExitReasonPrefix.Length..].Trim() : lines.LastOrDefault() ?? "";
    }

    /// <summary>"20s", "1500ms".</summary>
    public static string Format(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{(long)span.TotalSeconds}s" : $"{(long)span.TotalMilliseconds}ms";
}
