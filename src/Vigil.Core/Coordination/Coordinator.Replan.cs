using Vigil.Core.Cluster;

namespace Vigil.Core.Coordination;

/// <summary>
/// When a step may skip the plan. The agent steps its coordinator several times per heartbeat (its tick, and
/// every node's routine report), and on an idle cluster every one of those plans decides, does and says
/// nothing. A plan is a function of the committed state, the observations and the time; so when the last plan
/// was empty, no input changed what it reads since, and no rule waits for the clock, the next plan is the same
/// empty one and need not run. Anything that may change a plan sets <see cref="replan"/>; the time is covered
/// by <see cref="AwaitsTimer"/>.
/// </summary>
public sealed partial class Coordinator
{
    /// <summary>
    /// Set by every input that records something a plan reads, and after any plan that was not empty (its
    /// decisions, effects or notices changed the observations, or were rejected and must be planned again).
    /// </summary>
    private bool replan = true;

    /// <summary>Scheduling passes run so far (tests check that idle steps skip them).</summary>
    internal long PlansMade { get; private set; }

    /// <summary>The last state <see cref="AwaitsTimer"/> looked at, and whether that state waits for the clock.</summary>
    private (ClusterState State, bool Waits)? stateTimers;

    /// <summary>
    /// Whether a plan could decide something through the passage of time alone. Every rule that reads the clock
    /// (<c>plan.Now</c>) must be covered here — a new timed rule without its line here would wait for the next input.
    /// </summary>
    private bool AwaitsTimer(ClusterState state)
    {
        // Fence timeout (RequestFencing) and the self-fence bound of a node without a device (SelfFenceTakeover).
        if (seen.FencesInFlight.Count > 0 || seen.FailedSince.Count > 0)
            return true;
        if (stateTimers is not { } known || !ReferenceEquals(known.State, state))
            stateTimers = known = (state, StateAwaitsTimer(state));
        return known.Waits;
    }

    /// <summary>The timed rules that read only the committed state (a state is immutable: asked once per state).</summary>
    private static bool StateAwaitsTimer(ClusterState state)
    {
        foreach (var node in state.Nodes.Values)
        {
            // Unknown: startup fencing one dead time after quorum (RecordMembership). Failed: the fence retry
            // back-off (NextFenceAt) and the self-fence bound (RequestFencing).
            if (node.Health is NodeHealth.Unknown or NodeHealth.Failed)
                return true;
        }
        foreach (var group in state.Groups.Values)
        {
            // A recovering group waits for the cluster to form: at the latest one dead time after quorum (FormationSettled).
            if (group.Owner is null && group.Recovering)
                return true;
        }
        return false;
    }
}
