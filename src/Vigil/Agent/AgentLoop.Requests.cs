using System.Text.Json;
using Vigil.Cli.Agent.Events;
using Vigil.Cli.Agent.Wire;
using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Coordination;
using Vigil.Core.Database;
using Vigil.Core.Decisions;

namespace Vigil.Cli.Agent;

/// <summary>
/// Requests that go through the leader: `vigil config apply` (validated, proposed, answered once the entry is
/// applied) and operator commands (checked against the committed config and state, then handed to the
/// coordinator, answered "accepted" or refused with the reason). Followers forward them to the leader.
/// </summary>
internal sealed partial class AgentLoop
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    public const int MaxPendingRequests = 64;

    private readonly Dictionary<long, (string? ForwardTo, long ForwardedId, TaskCompletionSource<object>? Local, TimeSpan Proposed, LoadedConfig Loaded)> byIndex = [];
    private readonly Dictionary<long, (TaskCompletionSource<object> Reply, TimeSpan Since)> forwarded = [];

    /// <summary>This node's recent events (`vigil events`, status, notify hooks).</summary>
    public EventLog Events { get; } = new();
    private long nextRequestId = 1;

    private void Answer(ApiCall call)
    {
        if (call.Request is null)
        {
            call.Reply.TrySetResult(BuildStatus());
            return;
        }
        if (raft.Role == Core.Consensus.RaftRole.Leader)
        {
            var response = Propose(call.Request, null, call.Reply);
            if (response is not null) call.Reply.TrySetResult(response);
            return;
        }
        if (raft.Leader is not { } leader)
        {
            call.Reply.TrySetResult(new ClientResponse(call.Request.Id, false, "no leader: this node is not in a quorate partition right now", database.ConfigVersion));
            return;
        }
        if (forwarded.Count >= MaxPendingRequests)
        {
            call.Reply.TrySetResult(new ClientResponse(call.Request.Id, false, "too many requests in flight; retry", database.ConfigVersion));
            return;
        }
        var id = nextRequestId++;
        forwarded[id] = (call.Reply, clock.Now);
        SendTo(leader, MessageKind.ClientRequest, AgentMessages.Encode(call.Request with { Id = id }));
    }

    private void ClientRequestArrived(ClientRequest request, string sender)
    {
        var response = raft.Role == Core.Consensus.RaftRole.Leader
            ? Propose(request, sender, null)
            : new ClientResponse(request.Id, false, $"{settings.Node.Name} is not the leader any more; retry", database.ConfigVersion);
        if (response is not null) SendTo(sender, MessageKind.ClientResponse, AgentMessages.Encode(response));
    }

    private void ClientResponseArrived(ClientResponse response)
    {
        if (forwarded.Remove(response.Id, out var waiter)) waiter.Reply.TrySetResult(response);
    }

    /// <summary>Validates and proposes; a response now when refused, else null (answered when applied).</summary>
    private ClientResponse? Propose(ClientRequest request, string? from, TaskCompletionSource<object>? local)
    {
        ClientResponse Refuse(string why) => new(request.Id, false, why, database.ConfigVersion);
        if (request.Kind == "operator") return OperatorRequested(request);
        if (request.Kind != "config_apply") return Refuse($"unknown request '{request.Kind}'");
        if (database.Config is not { } current || database.State is not { } state) return Refuse("the cluster has no committed configuration yet; retry shortly");
        var loaded = ConfigLoader.Load(request.Text, request.Origin);
        if (loaded.Config is not { } next) return Refuse(string.Join("\n", loaded.Problems.Select(InputFile.Format)));
        // Agent meta-data checks run programs: the client ran them; here only the checks that need none.
        if (Execution.ConfigHostCheck.Run(next, request.Origin, request.Text, agents: false).Errors is { Count: > 0 } hostProblems)
            return Refuse(string.Join("\n", hostProblems.Select(InputFile.Format)));
        if (ConfigChangeRules.Check(current, state, next).ToList() is { Count: > 0 } problems) return Refuse(string.Join("; ", problems));
        if (byIndex.Count >= MaxPendingRequests) return Refuse("too many requests in flight; retry");
        var data = DatabaseCodec.Encode(new ConfigCommitted(database.ConfigVersion + 1, request.Text, request.Origin));
        var membership = MembershipOf(next);
        if (!membership.SameAs(raft.Membership) && Core.Consensus.MembershipChange.WhyUnsafe(raft.Membership, membership) is { } unsafeChange)
            return Refuse("this voter change cannot be made in one step: " + unsafeChange);
        var index = membership.SameAs(raft.Membership) ? raft.Propose(data) : raft.ProposeMembership(membership, data);
        if (index is null) return Refuse("the leader could not propose it now (a membership change is still in progress, or too many entries are uncommitted); retry");
        byIndex[index.Value] = (from, request.Id, local, clock.Now, new LoadedConfig(request.Text, next));
        var line = $"proposing config version {database.ConfigVersion + 1} ({request.Origin}) at index {index}";
        // The appends go out (and the entry to disk) before the log line: it is not on the commit's path.
        ProcessReady();
        log.Write("database", line);
        return null;
    }

    /// <summary>The model this leader loaded when it validated the request proposed at <paramref name="index"/> (its apply need not parse it again).</summary>
    private LoadedConfig? ProposedConfig(long index) => byIndex.TryGetValue(index, out var waiter) ? waiter.Loaded : null;

    private void ClientEntryApplied(long index, ApplyOutcome outcome)
    {
        if (!byIndex.Remove(index, out var waiter)) return;
        var ok = outcome.Kind == ApplyKind.ConfigChanged;
        Reply(waiter.Local, waiter.ForwardTo, new ClientResponse(waiter.ForwardedId, ok, ok ? $"config version {database.ConfigVersion} committed" : outcome.Detail,
            database.ConfigVersion, (clock.Now - waiter.Proposed).TotalMilliseconds));
    }

    /// <summary>Answers a request proposed here: to the local API caller, or to the follower that forwarded it.</summary>
    private void Reply(TaskCompletionSource<object>? local, string? forwardTo, ClientResponse response)
    {
        if (local is not null) local.TrySetResult(response);
        else if (forwardTo is not null) SendTo(forwardTo, MessageKind.ClientResponse, AgentMessages.Encode(response));
    }

    /// <summary>Answers requests whose entry was lost (leadership changed) or whose leader never answered.</summary>
    private void ExpireRequests()
    {
        // Every heartbeat, and almost always with nothing waiting: look (and allocate) only when something is.
        if (forwarded.Count > 0)
        {
            foreach (var (id, waiter) in forwarded.Where(f => clock.Now - f.Value.Since > RequestTimeout).ToList())
            {
                forwarded.Remove(id);
                waiter.Reply.TrySetResult(new ClientResponse(id, false, $"no answer from the leader within {Core.Text.Duration(RequestTimeout)}; check 'vigil status' and retry", database.ConfigVersion));
            }
        }
        if (raft.Role == Core.Consensus.RaftRole.Leader || byIndex.Count == 0) return;
        foreach (var (index, waiter) in byIndex.ToList())
        {
            byIndex.Remove(index);
            Reply(waiter.Local, waiter.ForwardTo, new ClientResponse(waiter.ForwardedId, false, "leadership changed before the entry committed; retry", database.ConfigVersion));
        }
    }

    /// <summary>On the leader: an operator command, checked and handed to the coordinator.</summary>
    private ClientResponse OperatorRequested(ClientRequest request)
    {
        ClientResponse Answer(bool ok, string message) => new(request.Id, ok, message, database.ConfigVersion);
        // "no node named n9", "no resource group named x", "no resource named y": the API answers 404.
        ClientResponse Refused(string why) => Answer(false, why) with { NotFound = why.StartsWith("no ", StringComparison.Ordinal) };
        OperatorCall? call;
        try
        {
            call = JsonSerializer.Deserialize<OperatorCall>(request.Text, AgentMessages.Json);
        }
        catch (JsonException e)
        {
            return Answer(false, "malformed operator command: " + e.Message);
        }
        if (call is null) return Answer(false, "empty operator command");
        if (database.Config is not { } config || database.State is not { } state || coordinator is null)
            return Answer(false, "the leader is not coordinating yet (it is still catching up); retry in a moment");
        var (command, missing) = ToCommand(config, call);
        if (command is null) return Refused(missing!);
        if (Coordinator.Refusal(config, state, command) is { } refusal)
            return Refused(refusal);
        StepCoordinator(new OperatorRequest(command));
        log.Write("coordinator", $"operator request accepted: {Describe(command)}");
        return Answer(true, $"accepted: {Describe(command)} (follow it with 'vigil events --follow' or 'vigil status')");
    }

    /// <summary>The coordinator's command for an API call, or why there is none.</summary>
    private static (OperatorCommand? Command, string? Error) ToCommand(ClusterConfig config, OperatorCall call)
    {
        switch (call.Verb)
        {
            case "move" when call.Group is { } group && call.Node is { } node:
                return (new MoveGroup(group, node), null);
            case "failback" when call.Group is { } group:
                return (new FailbackNow(group), null);
            case "admin" when call.Node is { } node && Enum.TryParse<NodeAdminState>(call.State, ignoreCase: true, out var admin):
                return (new SetNodeAdmin(node, admin), null);
            case "fence" when call.Node is { } node:
                return (new FenceNodeNow(node), null);
            case "cleanup" when call.Resource is { } resource:
                if (!config.Resources.Any(r => r.Name == resource)) return (null, $"no resource named {resource}");
                var owner = config.ResourceGroups.FirstOrDefault(g => g.Resources.Contains(resource));
                return owner is null
                    ? (null, $"resource {resource} is in no resource group, so it has no failure counts")
                    : (new ClearFailures(owner.Name, call.Node), null);
            default:
                return (null, $"malformed operator command '{call.Verb}' (missing group, node or state)");
        }
    }

    private static string Describe(OperatorCommand command) => command switch
    {
        MoveGroup m => $"move {m.Group} to {m.Node}",
        FailbackNow f => $"failback {f.Group}",
        SetNodeAdmin s => $"node {s.Node} {s.State.ToString().ToLowerInvariant()}",
        FenceNodeNow f => $"fence {f.Node}",
        ClearFailures c => $"clean up failure counts of {c.Group}" + (c.Node is null ? "" : $" on {c.Node}"),
        _ => command.ToString(),
    };

    /// <summary>Committed decisions become events on every node; notify hooks run for them on the node that proposed them.</summary>
    private void RememberEvents(DecisionsCommitted batch)
    {
        var proposedHere = batch.Coordinator == settings.Node.Name;
        foreach (var decision in batch.Decisions)
        {
            var (node, group) = ClusterEvent.Subject(decision);
            var added = Events.Add(ClusterEvent.KindOf(decision), decision.Reason, node, group, "decision");
            if (proposedHere) notify?.Notify(added);
        }
    }

    /// <summary>Something this node saw itself: an event here, and its notify hooks run here.</summary>
    private void LocalEvent(string kind, string message, string? node = null, string? group = null)
    {
        var added = Events.Add(kind, message, node ?? settings.Node.Name, group, "local");
        notify?.Notify(added);
    }
}
