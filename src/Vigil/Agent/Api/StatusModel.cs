namespace Vigil.Cli.Agent.Api;

/// <summary>
/// What `vigil status --json` prints (snake_case JSON). At least:
/// {"leader":"n1","term":3,"quorum":true,"config_version":2,"nodes":[{"name":"n1","state":"online","networks":{"private":"up"}}],
///  "groups":[{"name":"webgroup","state":"running","node":"n1"}]}
/// </summary>
internal sealed record StatusModel(
    string Cluster,
    string Node,
    string? Leader,
    long Term,
    bool Quorum,
    long ConfigVersion,
    long StateVersion,
    string RaftRole,
    long CommitIndex,
    long AppliedIndex,
    int LocalHealth,
    IReadOnlyList<NodeStatus> Nodes,
    IReadOnlyList<GroupStatus> Groups,
    IReadOnlyDictionary<string, long> Wire,
    IReadOnlyList<string> RecentEvents);

/// <param name="State">online, standby, maintenance, offline, fenced.</param>
/// <param name="Networks">network -> up, down, unknown (per-peer heartbeat state as this node sees it).</param>
internal sealed record NodeStatus(string Name, string Role, string State, string Health, IReadOnlyDictionary<string, string> Networks);

/// <param name="State">running, starting, stopping, stopped, failed, restarting, stop_failed, or unclean (its node failed and is not fenced yet).</param>
/// <param name="Resources">The group's resources in start order, with their types (they run where the group runs).</param>
internal sealed record GroupStatus(string Name, string State, string? Node, long Generation, IReadOnlyDictionary<string, int> FailCounts,
    IReadOnlyList<ResourceStatus> Resources);

internal sealed record ResourceStatus(string Name, string Type);
