using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Coordination;
using Vigil.Core.Decisions;
using Vigil.Core.Quorum;

namespace Vigil.Simulation;

/// <summary>How the store answered a coordinator's batch.</summary>
public enum CommitVerdict
{
    Accepted,
    /// <summary>The batch was computed on an older state than the store's.</summary>
    RejectedStale,
    /// <summary>The coordinator's true partition may not decide this (consensus would not commit it).</summary>
    RejectedNoQuorum,
    /// <summary>
    /// The committer is not the coordinator of its true partition (its view is stale). Consensus has one leader
    /// per term; a node whose view lags may not commit over it.
    /// </summary>
    RejectedNotLeader,
}

/// <summary>
/// Responsible for the one authoritative cluster database (a stand-in for consensus). A batch commits atomically
/// when it was computed on the current version and the coordinator's true partition is quorate — or may fence
/// by tiebreaker and the batch is only about failing and fencing nodes.
/// </summary>
public sealed class ClusterStore(ClusterConfig config)
{
    public ClusterState State { get; private set; } = ClusterState.Initial(config);

    public long Version => State.Version;

    /// <summary>The quorum of a partition (true members) against the store's fenced nodes.</summary>
    public QuorumStatus QuorumOf(IReadOnlySet<string> partition) => QuorumRule.Evaluate(config, partition, State.FencedNodes);

    /// <summary>Whether a partition with this status may commit these decisions or run these effects.</summary>
    public static bool MayDecide(QuorumStatus status, IEnumerable<Decision> decisions, IEnumerable<CoordinatorEffect> effects) => status switch
    {
        QuorumStatus.Quorate => true,
        QuorumStatus.TiebreakerMayFence => decisions.All(IsAboutFencing) && effects.All(e => e is FenceNode),
        _ => false,
    };

    public CommitVerdict TryCommit(CoordinatorReady ready, string committer, IReadOnlySet<string> truePartition, TimeSpan now)
    {
        if (ready.BaseVersion != State.Version) return CommitVerdict.RejectedStale;
        if (Coordinator.ElectedFor(config, new MembershipView(0, truePartition)) != committer) return CommitVerdict.RejectedNotLeader;
        if (!MayDecide(QuorumOf(truePartition), ready.Decisions, ready.Effects)) return CommitVerdict.RejectedNoQuorum;
        foreach (var decision in ready.Decisions)
        {
            var before = State.Version;
            State = ClusterStateReducer.Apply(State, decision);
            if (State.Version != before + 1)
                throw new InvalidOperationException($"reducer moved the version from {before} to {State.Version} for {decision.GetType().Name}");
        }
        return CommitVerdict.Accepted;
    }

    private static bool IsAboutFencing(Decision decision) => decision is FenceRequested or NodeFenced or FenceFailed or NodeFailed;
}
