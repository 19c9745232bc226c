using Vigil.Core.Cluster;
using Vigil.Core.Configuration;

namespace Vigil.Simulation;

/// <summary>(c) Liveness: once faults stopped, every group runs on exactly one node, where the committed state says.</summary>
public sealed partial class Simulation
{
    /// <summary>Groups not settled right now (empty when all are), as readable lines.</summary>
    public IReadOnlyList<string> LivenessProblems()
    {
        var problems = new List<string>();
        foreach (var (name, placement) in Placement.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var settled = placement.SettledOn;
            if (settled is not null && placement.Owner == settled && placement.Target == GroupTarget.Running) continue;
            if (HasNoEligibleNode(config.Group(name))) continue;
            problems.Add(placement.ToString());
        }
        return problems;
    }

    /// <summary>Exempt from liveness: every server of the group's domain is out of service by the operator.</summary>
    private bool HasNoEligibleNode(ResourceGroupConfig group) =>
        config.PolicyOf(group).Domain
            .Where(n => config.Node(n).Role == NodeRole.Server)
            .All(n => State.Nodes[n].Admin != NodeAdminState.Online);
}
