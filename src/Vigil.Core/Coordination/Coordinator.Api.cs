using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Quorum;

namespace Vigil.Core.Coordination;

public sealed partial class Coordinator
{
    private readonly ClusterConfig config;
    private readonly string nodeName;
    private readonly CoordinatorOptions options;
    private readonly Observations seen = new();
    private readonly TimeSpan selfFenceBound;

    public Coordinator(ClusterConfig config, string nodeName, CoordinatorOptions? options = null)
    {
        Invariant.Check(config.HasNode(nodeName), $"coordinator for unknown node {nodeName}");
        this.config = config;
        this.nodeName = nodeName;
        this.options = options ?? CoordinatorOptions.Default;
        selfFenceBound = SelfFenceBound.Of(config);
    }

    /// <summary>The node this coordinator runs on.</summary>
    public string NodeName => nodeName;

    /// <summary>Whether this node coordinates its partition in its current view.</summary>
    public bool IsActive => options.ElectedByHost || (seen.View.Contains(nodeName) && ElectedFor(config, seen.View) == nodeName);

    /// <summary>The last committed state this coordinator saw.</summary>
    public ClusterState? State => seen.State;

    /// <summary>
    /// Feed one input at time <paramref name="now"/>; returns what to commit and do. Host contract: when the
    /// returned decisions commit, feed <see cref="StateCommitted"/> with the new state before any other input;
    /// any other next input means they were rejected.
    /// </summary>
    public CoordinatorReady Step(TimeSpan now, CoordinatorInput input)
    {
        Absorb(now, input);
        // The input after a proposal either was its commit (effects now in flight) or means it was rejected.
        seen.Pending = null;
        seen.StartedAt ??= options.ViewFormingSince ?? now;
        if (seen.State is null || !IsActive || now - seen.StartedAt < config.Cluster.Timing.DeadTime)
            return CoordinatorReady.Empty; // a new coordinator first lets its membership view form (dc-deadtime)
        if (!replan && !AwaitsTimer(seen.State))
            return CoordinatorReady.Empty; // the same plan as the last, empty one (Coordinator.Replan.cs)
        var ready = Plan(now, seen.State);
        PlansMade++;
        replan = !ready.IsEmpty;
        if (!ready.Decisions.IsEmpty)
            seen.Pending = (ready.BaseVersion, ready.Decisions.Length, ready.Effects);
        else
            MarkInFlight(ready.Effects, now);
        return ready;
    }

    /// <summary>Records the input; the commit of the pending proposal puts its effects in flight.</summary>
    private void Absorb(TimeSpan now, CoordinatorInput input)
    {
        switch (input)
        {
            case MembershipChanged m:
                replan = true;
                seen.View = m.View;
                foreach (var gone in seen.Reports.Keys.Where(n => !m.View.Contains(n)).ToList())
                    seen.Reports.Remove(gone);
                return;
            case StateCommitted c:
                var confirms = seen.Pending is { } p && c.State.Version == p.BaseVersion + p.Count;
                if (seen.State is null || c.State.Version > seen.State.Version)
                {
                    replan = true;
                    NoteNewlyFenced(seen.State, c.State);
                    seen.State = c.State;
                }
                replan |= confirms;
                if (confirms)
                    MarkInFlight(seen.Pending!.Value.Effects, now);
                return;
            case ReportReceived r:
                var known = seen.Reports.GetValueOrDefault(r.Report.Node);
                if (seen.View.Contains(r.Report.Node) && r.Report.IsNewerThan(known))
                {
                    // Only what a report says counts for the plan, never its sequence: a routine report changes nothing.
                    replan |= !r.Report.SaysSameAs(known);
                    seen.Reports[r.Report.Node] = r.Report;
                }
                return;
            case FenceCompleted f:
                if (seen.FencesInFlight.TryGetValue(f.Node, out var flight) && flight.Attempt == f.Attempt)
                {
                    seen.FencesInFlight.Remove(f.Node);
                    seen.FenceResults.Add(f);
                    replan = true;
                }
                return;
            case FailoverScriptCompleted s:
                if (seen.ScriptsInFlight.Remove(s.Group))
                {
                    seen.ScriptResults[s.Group] = s;
                    replan = true;
                }
                return;
            case OperatorRequest o:
                if (seen.OperatorCommands.Count < Observations.MaxQueuedOperatorCommands)
                    seen.OperatorCommands.Enqueue(o.Command);
                replan = true;
                return;
        }
    }

    /// <summary>
    /// A node fenced by any coordinator was reset: its last report is from a life that is over, so it may rejoin
    /// only from a newer incarnation (a lagging view must not bring it back).
    /// </summary>
    private void NoteNewlyFenced(ClusterState? before, ClusterState after)
    {
        if (before is null)
            return;
        foreach (var node in config.Nodes)
        {
            if (after.Nodes[node.Name].Health != NodeHealth.Fenced || before.Nodes[node.Name].Health == NodeHealth.Fenced)
                continue;
            if (seen.Reports.Remove(node.Name, out var last))
                seen.FencedIncarnation[node.Name] = last.Incarnation;
            else
                seen.FencedIncarnation.TryAdd(node.Name, -1);
        }
    }

    private void MarkInFlight(IEnumerable<CoordinatorEffect> effects, TimeSpan now)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case FenceNode f:
                    seen.FencesInFlight[f.Node] = (f.Attempt, now);
                    break;
                case RunFailoverScript s:
                    seen.ScriptsInFlight.Add(s.Group);
                    break;
            }
        }
    }

    private QuorumStatus QuorumOf(ClusterState state) =>
        QuorumRule.Evaluate(config, seen.View.Members, state.FencedNodes);
}
