using Vigil.Cli.Agent.Wire;
using Vigil.Core.Configuration;
using Vigil.Core.Database;
using Vigil.Core.Decisions;

namespace Vigil.Cli.Agent;

/// <summary>
/// Requests that must commit through the leader (`vigil config apply`): validated here, proposed by the leader
/// (forwarded to it from a follower), answered once the entry is applied — or refused with the reason.
/// </summary>
internal sealed partial class AgentLoop
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    public const int MaxPendingRequests = 64;
    public const int MaxRememberedEvents = 500;

    private readonly Dictionary<long, (string? ForwardTo, long ForwardedId, TaskCompletionSource<object>? Local, TimeSpan Proposed)> byIndex = [];
    private readonly Dictionary<long, (TaskCompletionSource<object> Reply, TimeSpan Since)> forwarded = [];
    private readonly Queue<string> recentEvents = new();
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
        if (request.Kind != "config_apply") return Refuse($"unknown request '{request.Kind}'");
        if (database.Config is not { } current || database.State is not { } state) return Refuse("the cluster has no committed configuration yet; retry shortly");
        var loaded = ConfigLoader.Load(request.Text, request.Origin);
        if (loaded.Config is not { } next) return Refuse(string.Join("\n", loaded.Problems.Select(InputFile.Format)));
        if (ConfigChangeRules.Check(current, state, next).ToList() is { Count: > 0 } problems) return Refuse(string.Join("; ", problems));
        if (byIndex.Count >= MaxPendingRequests) return Refuse("too many requests in flight; retry");
        var data = DatabaseCodec.Encode(new ConfigCommitted(database.ConfigVersion + 1, request.Text, request.Origin));
        var membership = MembershipOf(next);
        var index = membership.SameAs(raft.Membership) ? raft.Propose(data) : raft.ProposeMembership(membership, data);
        if (index is null) return Refuse("the leader could not propose it now (a membership change is still in progress, or too many entries are uncommitted); retry");
        byIndex[index.Value] = (from, request.Id, local, clock.Now);
        log.Write("database", $"proposing config version {database.ConfigVersion + 1} ({request.Origin}) at index {index}");
        return null;
    }

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
        foreach (var (id, waiter) in forwarded.Where(f => clock.Now - f.Value.Since > RequestTimeout).ToList())
        {
            forwarded.Remove(id);
            waiter.Reply.TrySetResult(new ClientResponse(id, false, $"no answer from the leader within {Core.Text.Duration(RequestTimeout)}; check 'vigil status' and retry", database.ConfigVersion));
        }
        if (raft.Role == Core.Consensus.RaftRole.Leader) return;
        foreach (var (index, waiter) in byIndex.ToList())
        {
            byIndex.Remove(index);
            Reply(waiter.Local, waiter.ForwardTo, new ClientResponse(waiter.ForwardedId, false, "leadership changed before the entry committed; retry", database.ConfigVersion));
        }
    }

    private void RememberEvents(IEnumerable<Decision> decisions)
    {
        foreach (var decision in decisions)
        {
            recentEvents.Enqueue($"{DateTimeOffset.UtcNow:O} {decision.Reason}");
            while (recentEvents.Count > MaxRememberedEvents) recentEvents.Dequeue();
        }
    }
}
