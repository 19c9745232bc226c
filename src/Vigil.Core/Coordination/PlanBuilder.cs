using System.Collections.Immutable;
using Vigil.Core.Cluster;
using Vigil.Core.Decisions;

namespace Vigil.Core.Coordination;

/// <summary>
/// Collects one step's decisions and effects, applying each decision to a working copy of the state so later
/// steps of the same plan see earlier ones (a fenced node's groups are free for placement in the same plan).
/// </summary>
internal sealed class PlanBuilder(ClusterState committed, TimeSpan now)
{
    private readonly long baseVersion = committed.Version;

    /// <summary>Bound on decisions per step: a plan larger than this is cut and continued next step.</summary>
    public const int MaxDecisionsPerStep = 10_000;

    private readonly ImmutableArray<Decision>.Builder decisions = ImmutableArray.CreateBuilder<Decision>();
    private readonly ImmutableArray<CoordinatorEffect>.Builder effects = ImmutableArray.CreateBuilder<CoordinatorEffect>();
    private readonly ImmutableArray<string>.Builder notices = ImmutableArray.CreateBuilder<string>();

    public ClusterState State { get; private set; } = committed;

    /// <summary>The plan's time. A rule that waits on it must be listed in <c>Coordinator.AwaitsTimer</c>, or a step may skip it.</summary>
    public TimeSpan Now { get; } = now;

    public bool Full => decisions.Count >= MaxDecisionsPerStep;

    public void Decide(Decision decision)
    {
        Invariant.Check(!Full, "plan exceeded its decision bound");
        State = ClusterStateReducer.Apply(State, decision);
        decisions.Add(decision);
    }

    public void Do(CoordinatorEffect effect) => effects.Add(effect);

    public void Notice(string text) => notices.Add(text);

    public CoordinatorReady Build() =>
        new(baseVersion, decisions.ToImmutable(), effects.ToImmutable(), notices.ToImmutable());
}
