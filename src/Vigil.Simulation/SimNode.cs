using Vigil.Core.Cluster;
using Vigil.Core.Consensus;
using Vigil.Core.Coordination;
using Vigil.Core.Database;
using Vigil.Core.Node;

namespace Vigil.Simulation;

/// <summary>
/// One simulated machine: what survives a crash (incarnation, Raft's stable storage, critical device faults — the
/// host's disk and the world) and what dies with it (Raft node, database, controller, coordinator, view), as the
/// agent holds them (see src/Vigil/Agent/AgentLoop).
/// </summary>
internal sealed class SimNode(string name)
{
    /// <summary>Coordinator inputs that may wait while a proposal is in flight (the agent's bound).</summary>
    public const int MaxWaitingInputs = 4096;

    public string Name { get; } = name;

    // Survives restarts.
    public long Incarnation { get; set; }
    public SimStorage Storage { get; } = new();
    public SortedSet<string> FailedDevices { get; } = new(StringComparer.Ordinal);

    /// <summary>Grows with every coordinator started here (in any life): pins effect results to the coordinator that asked.</summary>
    public long CoordinatorLife { get; set; }

    // One life.
    public bool Alive { get; set; }
    public TimeSpan BootedAt { get; set; }
    public RaftNode? Raft { get; set; }
    public ClusterDatabase Database { get; set; } = ClusterDatabase.Empty();
    public NodeController? Controller { get; set; }
    public Coordinator? Coordinator { get; set; }
    public MembershipView View { get; set; } = MembershipView.Alone(name);

    /// <summary>The leader's coordinator batch awaiting its entry's application (log index and the Ready it came from).</summary>
    public (long Index, CoordinatorReady Ready)? Proposal { get; set; }

    /// <summary>Coordinator inputs held back while <see cref="Proposal"/> is in flight, in arrival order.</summary>
    public Queue<CoordinatorInput> Waiting { get; } = new();

    /// <summary>The latest report of each node (kept by the leader for the next coordinator).</summary>
    public SortedDictionary<string, NodeReport> Reports { get; } = new(StringComparer.Ordinal);

    /// <summary>Index of this leader's pending bootstrap ConfigCommitted(1) proposal.</summary>
    public long? BootstrapIndex { get; set; }

    /// <summary>The last term in which this node's election as leader was checked against the committed log.</summary>
    public long LeaderCheckedTerm { get; set; } = -1;

    /// <summary>Raft role, leader and term as last logged.</summary>
    public (RaftRole Role, string? Leader, long Term) LastRaftState { get; set; } = (RaftRole.Follower, null, 0);

    /// <summary>The last reason a lease was refused (logged once per reason).</summary>
    public string? LastLeaseRefusal { get; set; }

    /// <summary>True while the node's Ready loop runs (a nested call leaves the work to it).</summary>
    public bool InReady { get; set; }

    public bool IsLife(long incarnation) => Alive && Incarnation == incarnation;

    public bool IsLeader => Raft?.Role == RaftRole.Leader;

    public void Die()
    {
        Alive = false;
        Raft = null;
        Database = ClusterDatabase.Empty();
        Controller = null;
        Coordinator = null;
        Proposal = null;
        Waiting.Clear();
        Reports.Clear();
        BootstrapIndex = null;
        LeaderCheckedTerm = -1;
        LastRaftState = (RaftRole.Follower, null, 0);
        LastLeaseRefusal = null;
        InReady = false;
    }
}
