using Vigil.Cli.Agent.Interfaces;
using Vigil.Core.Configuration;
using Vigil.Core.Interfaces;
using static Vigil.Cli.Agent.Api.AgentApi;

namespace Vigil.Cli.Agent.Api;

/// <summary>
/// `vigil ip` on the node's API (lkipbu's and CIP's commands): GET /v1/ip (this node's interface groups), and with
/// the token POST /v1/ip/backup {"resource","interface","action":"add"|"remove"}, /v1/ip/move {"resource"},
/// /v1/ip/switch {"target": GROUP or RESOURCE}. They act on this node's interface groups only: run them against
/// the node where the address is. Answers {"message"} (200) or {"error"} with 400, 404 or 409.
/// </summary>
internal static class IpEndpoints
{
    /// <summary>What the endpoints need from the agent.</summary>
    public sealed record Context(string Node, InterfaceService? Interfaces, Func<ClusterConfig> Config);

    /// <summary>The answer when the path (<see cref="AgentApi.Segments"/>) is one of these endpoints, else null.</summary>
    public static async Task<ApiResult?> Handle(string[] path, bool get, bool post, ApiRequest request, Context ip)
    {
        if (path.Length == 2 && get && Is(path, "v1", "ip"))
            return new ApiResult(200, new IpStatusModel(ip.Node, ip.Interfaces?.Views ?? []), AgentMessages.Json);
        if (path.Length != 3 || !post || !Is(path[0], "v1") || !Is(path[1], "ip")) return null;
        var (node, interfaces, config, cancel) = (ip.Node, ip.Interfaces, ip.Config, request.Aborted);
        if (Is(path[2], "backup"))
        {
            var (body, malformed) = await Body(request);
            if (malformed is not null) return malformed;
            var (resource, iface, action) = (Text(body, "resource"), Text(body, "interface"), Text(body, "action"));
            if (resource is null || iface is null || action is not ("add" or "remove"))
                return Error(400, "the body must be {\"resource\": NAME, \"interface\": NAME, \"action\": \"add\" | \"remove\"}");
            return await Ask(node, interfaces, config(), resource, cancel, id => action == "add"
                ? new BackupAdd(id, resource, iface)
                : new BackupRemove(id, resource, iface));
        }
        if (Is(path[2], "move"))
            return await Body(request) is var (body, malformed) && malformed is not null ? malformed
                : Text(body, "resource") is not { } resource ? Error(400, "the body must be {\"resource\": NAME}")
                : await Ask(node, interfaces, config(), resource, cancel, id => new MoveToBackup(id, resource));
        if (Is(path[2], "switch"))
        {
            var (body, malformed) = await Body(request);
            if (malformed is not null) return malformed;
            if (Text(body, "target") is not { } target) return Error(400, "the body must be {\"target\": GROUP or RESOURCE}");
            if (interfaces?.Has(target) == true) return Result(await interfaces.AskAsync(target, id => new SwitchHome(id, null), cancel));
            return await Ask(node, interfaces, config(), target, cancel, id => new SwitchHome(id, target));
        }
        return null;
    }

    private static async Task<ApiResult> Ask(string node, InterfaceService? interfaces, ClusterConfig config, string resource,
        CancellationToken cancel, Func<long, InterfaceRequest> request)
    {
        var found = config.Resources.FirstOrDefault(r => r.Name == resource);
        if (found is null) return Error(404, $"no resource or interface group named {resource}");
        if (found.Type != "ip_address" || !found.Params.TryGetValue("interface_group", out var group))
            return Error(409, $"{resource} is a {found.Type} resource, not an ip_address");
        if (interfaces?.Has(group) != true) return Error(404, $"interface group {group} of {resource} is not defined on {node}");
        return Result(await interfaces.AskAsync(group, request, cancel));
    }

    private static ApiResult Result((bool Ok, string Detail) answer) => answer.Ok
        ? new ApiResult(200, new { message = answer.Detail }, PlainJson)
        : Error(409, answer.Detail);
}

/// <summary>GET /v1/ip: this node's interface groups.</summary>
internal sealed record IpStatusModel(string Node, IReadOnlyList<InterfaceGroupView> Groups);
