using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Core.Node;

namespace Vigil.Simulation;

/// <summary>
/// One simulated machine: what survives a crash (incarnation, the highest state version applied, critical device
/// faults — the host's disk and the world) and what dies with it (controller, coordinator, view).
/// </summary>
internal sealed class SimNode(string name)
{
    public string Name { get; } = name;

    // Survives restarts.
    public long Incarnation { get; set; }
    public long MaxVersionApplied { get; set; } = -1;
    public SortedSet<string> FailedDevices { get; } = new(StringComparer.Ordinal);

    // One life.
    public bool Alive { get; set; }
    public NodeController? Controller { get; set; }
    public Coordinator? Coordinator { get; set; }
    public long CoordinatorVersion { get; set; } = -1;
    public MembershipView View { get; set; } = MembershipView.Alone(name);

    public bool IsLife(long incarnation) => Alive && Incarnation == incarnation;

    /// <summary>
    /// Every push not older than what the node applied reaches its controller: a repeat of the same version is
    /// its lease renewal (it still hears from a quorate cluster database); an older one never goes back.
    /// </summary>
    public bool ControllerNeeds(ClusterState state) => state.Version >= MaxVersionApplied;

    public bool CoordinatorNeeds(ClusterState state) => state.Version > CoordinatorVersion;

    public void Die()
    {
        Alive = false;
        Controller = null;
        Coordinator = null;
        CoordinatorVersion = -1;
    }
}
