using System.Collections.Immutable;
using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Core.Node;

/// <summary>
/// One generation of one group on this node: a queue of resource actions run one at a time (starts in
/// dependency order after each resource's exclusive check, stops in reverse order), monitors at each resource's
/// interval, and local restarts after a monitor failure until local_restarts is spent.
/// </summary>
internal sealed class LocalGroup(string name, long generation, ImmutableArray<string> order, int localRestarts)
{
    private readonly Queue<(string Resource, ResourceAction Action)> steps = new();
    private readonly Dictionary<string, TimeSpan> nextMonitor = new(StringComparer.Ordinal);
    private bool failAfterStop;

    public string Name { get; } = name;
    public long Generation { get; } = generation;
    public GroupPhase Phase { get; private set; } = GroupPhase.Stopped;
    public int Restarts { get; private set; }
    public string? Detail { get; private set; }
    public (long Id, string Resource, ResourceAction Action)? Pending { get; private set; }

    public bool IsActive => Phase is GroupPhase.Starting or GroupPhase.Running or GroupPhase.Restarting;

    public GroupReport Report() => new(Name, Generation, Phase, Restarts, Detail);

    public void BeginStart()
    {
        Phase = GroupPhase.Starting;
        Detail = null;
        steps.Clear();
        foreach (var r in order)
        {
            steps.Enqueue((r, ResourceAction.Exclusive));
            steps.Enqueue((r, ResourceAction.Start));
        }
    }

    /// <summary>Stops every resource in reverse order (stop is idempotent, so also those never started).</summary>
    public void BeginStop(bool asFailure, string? detail)
    {
        if (Phase is GroupPhase.Stopping or GroupPhase.StopFailed)
        {
            failAfterStop |= asFailure;
            return;
        }
        failAfterStop = asFailure;
        if (detail is not null)
            Detail = detail;
        Phase = GroupPhase.Stopping;
        steps.Clear();
        foreach (var r in order.Reverse())
            steps.Enqueue((r, ResourceAction.Stop));
    }

    /// <summary>The next action to run, or null (waiting, or nothing to do). Moves the phase on when a queue drains.</summary>
    public (string Resource, ResourceAction Action)? Next(TimeSpan now, bool monitoring, Func<string, TimeSpan> monitorInterval)
    {
        if (Pending is not null || Phase == GroupPhase.StopFailed)
            return null;
        if (steps.Count > 0)
            return steps.Dequeue();
        switch (Phase)
        {
            case GroupPhase.Starting or GroupPhase.Restarting:
                Phase = GroupPhase.Running;
                foreach (var r in order)
                    nextMonitor[r] = now + monitorInterval(r);
                return null;
            case GroupPhase.Stopping:
                Phase = failAfterStop ? GroupPhase.Failed : GroupPhase.Stopped;
                return null;
            case GroupPhase.Running when monitoring:
                var due = order.FirstOrDefault(r => nextMonitor.GetValueOrDefault(r) <= now);
                return due is null ? null : (due, ResourceAction.Monitor);
            default:
                return null;
        }
    }

    public void Started(long id, string resource, ResourceAction action) => Pending = (id, resource, action);

    /// <summary>Takes an action's result. Returns a self-fence reason when a stop failed.</summary>
    public string? Completed(TimeSpan now, ActionResult result, string detail, ResourceTypes types)
    {
        var (_, resource, action) = Pending!.Value;
        Pending = null;
        var ok = result is ActionResult.Success or ActionResult.Running;
        switch (action)
        {
            case ResourceAction.Exclusive:
                if (result == ActionResult.Running)
                    SkipStart(resource);
                else if (result is ActionResult.Failed or ActionResult.TimedOut)
                    BeginStop(true, $"exclusive check of {resource} failed: {Describe(result, detail)}");
                return null;
            case ResourceAction.Start:
                if (!ok && Phase != GroupPhase.Stopping)
                    BeginStop(true, $"start of {resource} failed: {Describe(result, detail)}");
                return null;
            case ResourceAction.Monitor:
                if (Phase != GroupPhase.Running)
                    return null;
                if (result == ActionResult.Running || result == ActionResult.Success)
                    nextMonitor[resource] = now + types.MonitorInterval(resource);
                else
                    MonitorFailed(resource, Describe(result, detail), types);
                return null;
            case ResourceAction.Restart:
                if (!ok && Phase == GroupPhase.Restarting)
                    MonitorFailed(resource, $"restart failed: {Describe(result, detail)}", types);
                return null;
            case ResourceAction.Stop:
                if (ok || result == ActionResult.NotRunning)
                    return null;
                Phase = GroupPhase.StopFailed;
                steps.Clear();
                Detail = $"stop of {resource} failed: {Describe(result, detail)}";
                return Detail;
            default:
                return null;
        }
    }

    private void SkipStart(string resource)
    {
        var rest = steps.Where(s => !(s.Resource == resource && s.Action == ResourceAction.Start)).ToList();
        steps.Clear();
        foreach (var s in rest)
            steps.Enqueue(s);
    }

    /// <summary>FailSafe local restarts: restart in place up to local_restarts times, then fail the group over.</summary>
    private void MonitorFailed(string resource, string detail, ResourceTypes types)
    {
        Restarts++;
        if (Restarts > localRestarts)
        {
            BeginStop(true, $"monitor of {resource} failed ({detail}) {Restarts} times, local_restarts {localRestarts} exhausted");
            return;
        }
        Phase = GroupPhase.Restarting;
        Detail = $"monitor of {resource} failed ({detail}); local restart {Restarts} of {localRestarts}";
        steps.Clear();
        if (types.HasRestartAction(resource))
        {
            steps.Enqueue((resource, ResourceAction.Restart));
            return;
        }
        var affected = types.WithDependents(order, resource);
        foreach (var r in affected.Reverse())
            steps.Enqueue((r, ResourceAction.Stop));
        foreach (var r in affected)
            steps.Enqueue((r, ResourceAction.Start));
    }

    private static string Describe(ActionResult result, string detail) =>
        result switch
        {
            ActionResult.TimedOut => string.IsNullOrEmpty(detail) ? "timed out" : $"timed out: {detail}",
            ActionResult.NotRunning => string.IsNullOrEmpty(detail) ? "not running" : detail,
            _ => string.IsNullOrEmpty(detail) ? result.ToString().ToLowerInvariant() : detail,
        };
}
