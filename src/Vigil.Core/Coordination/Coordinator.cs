using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Core.Coordination;

/// <summary>
/// The cluster's coordinator (FailSafe ha_fsd / Pacemaker DC): one per partition, on the first server of the
/// membership view. It keeps the latest view, node reports and in-flight effects, and on every step asks the
/// scheduler for decisions against the committed state. Level-triggered: it recomputes from state every step,
/// so lost or repeated inputs only delay it.
/// </summary>
public sealed partial class Coordinator
{
    /// <summary>The node that coordinates a partition: the first server of the view in config order, else the first voter.</summary>
    public static string ElectedFor(ClusterConfig config, MembershipView view) =>
        config.Nodes.FirstOrDefault(n => n.Role == NodeRole.Server && view.Contains(n.Name))?.Name
        ?? config.Nodes.First(n => view.Contains(n.Name)).Name;
}
