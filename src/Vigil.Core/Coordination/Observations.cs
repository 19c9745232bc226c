using System.Collections.Immutable;
using Vigil.Core.Cluster;

namespace Vigil.Core.Coordination;

/// <summary>
/// The coordinator's soft state: what it has seen but not committed. Lost with the coordinator; a new one
/// rebuilds it from fresh reports within a heartbeat or two.
/// </summary>
internal sealed class Observations
{
    /// <summary>Bound on queued operator commands (further ones are refused).</summary>
    public const int MaxQueuedOperatorCommands = 256;

    public MembershipView View { get; set; } = new(0, new HashSet<string>(StringComparer.Ordinal));

    public ClusterState? State { get; set; }

    /// <summary>Newest report per member node; dropped when the node leaves the view.</summary>
    public Dictionary<string, NodeReport> Reports { get; } = new(StringComparer.Ordinal);

    /// <summary>Fence attempts started and not answered yet: node -> (attempt, started at).</summary>
    public Dictionary<string, (int Attempt, TimeSpan Since)> FencesInFlight { get; } = new(StringComparer.Ordinal);

    /// <summary>Fence answers to commit.</summary>
    public List<FenceCompleted> FenceResults { get; } = [];

    /// <summary>Incarnation a node had when fenced: it rejoins only from a newer one (it was reset).</summary>
    public Dictionary<string, long> FencedIncarnation { get; } = new(StringComparer.Ordinal);

    /// <summary>When this coordinator first saw a node without a fence device failed (its self-fence wait).</summary>
    public Dictionary<string, TimeSpan> FailedSince { get; } = new(StringComparer.Ordinal);

    /// <summary>Groups whose custom failover script is running.</summary>
    public HashSet<string> ScriptsInFlight { get; } = new(StringComparer.Ordinal);

    /// <summary>Script answers to commit: group -> new run-time domain (or error).</summary>
    public Dictionary<string, FailoverScriptCompleted> ScriptResults { get; } = new(StringComparer.Ordinal);

    /// <summary>Group -> generation for which a script already produced the run-time domain.</summary>
    public Dictionary<string, long> ScriptDoneForGeneration { get; } = new(StringComparer.Ordinal);

    public Queue<OperatorCommand> OperatorCommands { get; } = new();

    /// <summary>Nodes an operator asked to fence whose answer is outstanding (a failure is then reported, not retried).</summary>
    public HashSet<string> OperatorFences { get; } = new(StringComparer.Ordinal);

    /// <summary>Why a group lost its owner, for the reason of its next assignment.</summary>
    public Dictionary<string, string> Causes { get; } = new(StringComparer.Ordinal);

    /// <summary>Last notice per subject (group or node), to say a thing once rather than every step.</summary>
    public Dictionary<string, string> LastNotice { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether formation was already judged since this partition became quorate.</summary>
    public bool FormationJudged { get; set; }

    /// <summary>When this coordinator took its first input (its node's agent started).</summary>
    public TimeSpan? StartedAt { get; set; }

    /// <summary>When this coordinator's partition became quorate.</summary>
    public TimeSpan? QuorateSince { get; set; }

    /// <summary>A proposal returned and not yet seen committed: (base version, decision count).</summary>
    public (long BaseVersion, int Count, ImmutableArray<CoordinatorEffect> Effects)? Pending { get; set; }
}
