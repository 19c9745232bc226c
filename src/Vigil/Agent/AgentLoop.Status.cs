using Vigil.Cli.Agent.Api;
using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Consensus;

namespace Vigil.Cli.Agent;

/// <summary>Builds `vigil status` from this node's view: Raft, the database, heartbeats, and the leader's group phases.</summary>
internal sealed partial class AgentLoop
{
    public const int RecentEventsInStatus = 20;

    private StatusModel BuildStatus()
    {
        var config = database.Config ?? settings.Config;
        var state = database.State;
        var quorum = raft.Leader is not null &&
            (raft.Role == RaftRole.Leader ? raft.HasQuorumContact : raft.TicksSinceLeaderContact <= electionTicks);
        List<NodeStatus> nodes;
        int health;
        lock (monitorGate)
        {
            health = monitor.LocalHealth;
            nodes = config.Nodes.Select(n => NodeOf(n, state)).ToList();
        }
        var groups = config.ResourceGroups.Select(g => GroupOf(g.Name, state) with
        {
            Resources = g.Resources.Select(r => new ResourceStatus(r, config.Resource(r).Type)).ToList(),
        }).ToList();
        var wire = new Dictionary<string, long>(link.Counters(), StringComparer.Ordinal)
        {
            ["undecodable_messages"] = Interlocked.Read(ref undecodableMessages),
        };
        return new StatusModel(config.Cluster.Name, settings.Node.Name, raft.Leader, raft.Term, quorum, database.ConfigVersion,
            state?.Version ?? 0, raft.Role.ToString().ToLowerInvariant(), raft.CommitIndex, database.AppliedIndex, health,
            nodes, groups, wire, Events.After(0, RecentEventsInStatus).Select(e => $"{e.Time:O} {e.Message}").ToList());
    }

    /// <summary>Caller holds the monitor lock.</summary>
    private NodeStatus NodeOf(NodeConfig node, ClusterState? state)
    {
        var self = node.Name == settings.Node.Name;
        var record = state?.Nodes.GetValueOrDefault(node.Name);
        var inView = self || monitor.View.Contains(node.Name);
        var stateWord = !inView
            ? record?.Health == NodeHealth.Fenced ? "fenced" : "offline"
            : record?.Admin switch
            {
                NodeAdminState.Standby => "standby",
                NodeAdminState.Maintenance => "maintenance",
                _ => "online",
            };
        var networks = self
            ? node.Addresses.Keys.ToDictionary(n => n, _ => "up", StringComparer.Ordinal)
            : monitor.Networks(node.Name).ToDictionary(p => p.Key, p => p.Value.ToString().ToLowerInvariant(), StringComparer.Ordinal);
        return new NodeStatus(node.Name, node.Role.ToString().ToLowerInvariant(), stateWord,
            (record?.Health ?? NodeHealth.Unknown).ToString().ToLowerInvariant(), networks);
    }

    private GroupStatus GroupOf(string name, ClusterState? state)
    {
        var record = state?.Groups.GetValueOrDefault(name);
        var fails = record?.FailCounts.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) ?? [];
        if (record?.Owner is not { } owner)
            return new GroupStatus(name, "stopped", null, record?.Generation ?? 0, fails, []);
        // Pacemaker's "UNCLEAN": the owner failed and is not fenced yet, so nobody knows whether the group still runs there.
        if (state!.Nodes.GetValueOrDefault(owner)?.Health == NodeHealth.Failed)
            return new GroupStatus(name, "unclean", owner, record.Generation, fails, []);
        var phase = leaderPhases.TryGetValue(name, out var text) && text.EndsWith("@" + owner, StringComparison.Ordinal)
            ? text[..text.LastIndexOf('@')]
            : "starting";
        var word = record.Target == GroupTarget.Stopped && phase is "running" or "starting" ? "stopping"
            : phase switch
            {
                "assigned" => "starting",
                "stopfailed" => "stop_failed",
                _ => phase,
            };
        return new GroupStatus(name, word, owner, record.Generation, fails, []);
    }
}
