using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Simulation;

/// <summary>
/// Responsible for the resource truth and its faults. A resource counts as running on a node from the moment its
/// start (or restart) begins until its stop completes successfully, it crashes, or the node goes down — the
/// conservative reading for the safety check. Action results come from this truth when the action completes.
/// </summary>
internal sealed class SimResources(Random random)
{
    private static readonly TimeSpan DurationMin = TimeSpan.FromMilliseconds(10);
    private const int DurationSpreadMs = 290;

    private readonly Dictionary<string, SortedSet<string>> running = new(StringComparer.Ordinal);
    private readonly HashSet<(string Resource, string Node)> startFailsOnce = [];
    private readonly HashSet<(string Resource, string Node)> startFailsAlways = [];
    private readonly List<(string Resource, string? Node)> monitorFailures = [];

    /// <summary>Resources running on the node now, sorted.</summary>
    public IReadOnlySet<string> RunningOn(string node) =>
        running.TryGetValue(node, out var set) ? set : EmptySet;

    public bool IsRunning(string node, string resource) => running.TryGetValue(node, out var set) && set.Contains(resource);

    /// <summary>Starts the action: returns how long it runs and whether it hits its timeout.</summary>
    public (TimeSpan Duration, bool TimedOut) Begin(string node, RunAction action)
    {
        var duration = DurationMin + TimeSpan.FromMilliseconds(random.Next(DurationSpreadMs + 1));
        if (action.Action is ResourceAction.Start or ResourceAction.Restart) Set(node, action.Resource, true);
        return duration > action.Timeout ? (action.Timeout, true) : (duration, false);
    }

    /// <summary>Completes the action against the truth and returns its result and detail.</summary>
    public (ActionResult Result, string Detail) Complete(string node, RunAction action, bool timedOut)
    {
        var resource = action.Resource;
        if (timedOut) return (ActionResult.TimedOut, $"{action.Action.ToString().ToLowerInvariant()} timed out after {action.Timeout.TotalMilliseconds:0} ms");
        switch (action.Action)
        {
            case ResourceAction.Start when startFailsOnce.Remove((resource, node)) || startFailsAlways.Contains((resource, node)):
                Set(node, resource, false);
                return (ActionResult.Failed, "start failed: simulated fault");
            case ResourceAction.Start or ResourceAction.Restart:
                return (ActionResult.Success, "");
            case ResourceAction.Stop:
                Set(node, resource, false);
                return (ActionResult.Success, "");
            case ResourceAction.Monitor:
                if (IsRunning(node, resource) && TakeMonitorFailure(resource, node)) Set(node, resource, false);
                return IsRunning(node, resource) ? (ActionResult.Running, "") : (ActionResult.NotRunning, "not running");
            case ResourceAction.Exclusive:
                return IsRunning(node, resource) ? (ActionResult.Running, "running here") : (ActionResult.NotRunning, "");
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action.Action, null);
        }
    }

    /// <summary>The node went down: everything on it stopped at once.</summary>
    public void NodeDown(string node) => running.Remove(node);

    /// <summary>Crash the resource (wherever it runs when node is null) now if running, else at its next monitor there.</summary>
    public void FailMonitor(string resource, string? node)
    {
        var crashed = false;
        foreach (var (host, set) in running)
            if ((node is null || node == host) && set.Remove(resource)) crashed = true;
        if (!crashed) monitorFailures.Add((resource, node));
    }

    public void FailStart(string resource, string node, bool persistent) =>
        (persistent ? startFailsAlways : startFailsOnce).Add((resource, node));

    public void ClearFaults()
    {
        startFailsOnce.Clear();
        startFailsAlways.Clear();
        monitorFailures.Clear();
    }

    private bool TakeMonitorFailure(string resource, string node)
    {
        var index = monitorFailures.FindIndex(f => f.Resource == resource && (f.Node is null || f.Node == node));
        if (index < 0) return false;
        monitorFailures.RemoveAt(index);
        return true;
    }

    private void Set(string node, string resource, bool isRunning)
    {
        if (!running.TryGetValue(node, out var set)) running[node] = set = new SortedSet<string>(StringComparer.Ordinal);
        if (isRunning) set.Add(resource); else set.Remove(resource);
    }

    private static readonly IReadOnlySet<string> EmptySet = new SortedSet<string>(StringComparer.Ordinal);
}
