using Vigil.Core.Cluster;
using Vigil.Core.Quorum;

namespace Vigil.Core.Coordination;

public sealed partial class Coordinator
{
    /// <summary>
    /// One scheduling pass: a pure function of the committed state, this coordinator's observations and the
    /// time. Reads as the table of contents of the policy: membership, fencing, then (with quorum) operator
    /// commands, formation, reports, placement.
    /// </summary>
    private CoordinatorReady Plan(TimeSpan now, ClusterState state)
    {
        var plan = new PlanBuilder(state, now);
        var quorum = QuorumOf(state);
        TrackQuorum(plan, quorum, state);
        if (quorum == QuorumStatus.NoQuorum)
            return plan.Build();

        // On the tiebreaker half of a 50/50 split only fencing is decided; placement waits for the next step,
        // when the committed fences make this half quorate (a plan mixing both would not be committable).
        var quorate = quorum == QuorumStatus.Quorate;
        RecordMembership(plan, joins: quorate);
        RecordFenceResults(plan);
        RequestFencing(plan);
        if (!quorate)
            return plan.Build();

        ApplyOperatorCommands(plan);
        RecordFormation(plan);
        RecordGroupReports(plan);
        RecordScriptResults(plan);
        PlaceGroups(plan);
        return plan.Build();
    }

    private void TrackQuorum(PlanBuilder plan, QuorumStatus quorum, ClusterState state)
    {
        var quorate = quorum == QuorumStatus.Quorate;
        if (quorate && seen.QuorateSince is null)
            seen.QuorateSince = plan.Now;
        if (!quorate)
        {
            seen.QuorateSince = null;
            seen.FormationJudged = false;
        }
        var what = QuorumRule.Describe(config, seen.View.Members, state.FencedNodes);
        var text = quorum switch
        {
            QuorumStatus.Quorate => $"quorum: {what}",
            QuorumStatus.TiebreakerMayFence => $"quorum pending: {what}, tiebreaker {config.Cluster.Tiebreaker} is here, fencing the other half",
            _ => $"no quorum: {what}; starting nothing",
        };
        NoticeOnce(plan, "quorum", text);
    }

    /// <summary>Says a notice about a subject only when it differs from the last one said about it.</summary>
    private void NoticeOnce(PlanBuilder plan, string subject, string text)
    {
        if (seen.LastNotice.GetValueOrDefault(subject) == text)
            return;
        seen.LastNotice[subject] = text;
        plan.Notice(text);
    }
}
