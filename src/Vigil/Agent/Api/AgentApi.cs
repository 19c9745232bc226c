using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.Cli.Agent.Events;

namespace Vigil.Cli.Agent.Api;

/// <summary>
/// The node's admin API on its loopback `api` address (Kestrel). Reads are open to the host:
/// GET /v1/status, GET /v1/events?after=SEQ&amp;limit=N&amp;wait=SECONDS. Changes need the data dir's token
/// (<see cref="ApiToken"/>): POST /v1/config (YAML body), /v1/groups/{group}/move {"node"}, /v1/groups/{group}/failback,
/// /v1/nodes/{node}/admin {"state"}, /v1/nodes/{node}/fence, /v1/resources/{resource}/cleanup {"node"?}; `vigil ip` in <see cref="IpEndpoints"/>.
/// Every answer is JSON; errors are {"error": "..."} with 400 (malformed), 401 (no or wrong token), 404 (no such
/// group/node/resource), 409 (refused), 503 (no answer) — never a stack trace. Requests reach the agent's loop
/// as events and wait for its answer (bounded time).
/// </summary>
/// <remarks>
/// Kestrel runs bare (no generic host, DI, configuration, logging, routing or minimal-API code generation), and the
/// requests are read from Kestrel's features (<see cref="ApiRequest"/>), without an HttpContext: an idle agent then
/// loads a third of the ASP.NET Core assemblies and JIT-compiles far less (docs/agent.md, Memory).
/// Routes match as ASP.NET Core routing did: literal segments ignore case, one trailing slash is allowed, an empty
/// segment matches nothing; parameters are the path segment as Kestrel decoded it (%2F stays encoded), as
/// HttpRequest.Path gave it. Query parameters are read as Request.Query read them (<see cref="QueryParameters"/>).
/// </remarks>
internal sealed class AgentApi : IAsyncDisposable, IHttpApplication<IFeatureCollection>
{
    public const long MaxBodyBytes = 1024 * 1024;
    public const int MaxEventsPerCall = 500;
    private static readonly TimeSpan LoopAnswerTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxEventWait = TimeSpan.FromSeconds(30);

    /// <summary>Errors and messages: ASP.NET Core's default JSON (web defaults, relaxed escaping), as before.</summary>
    internal static readonly JsonSerializerOptions PlainJson = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly ApiResult NoSuchEndpoint = Error(404, "no such endpoint; see docs/api.md (GET /v1/status, GET /v1/events, POST /v1/…)");

    private readonly KestrelServer server;
    private readonly Func<AgentEvent, bool> post;
    private readonly ApiToken token;
    private readonly EventLog events;
    private readonly IpEndpoints.Context? ip;

    private AgentApi(KestrelServer server, Func<AgentEvent, bool> post, ApiToken token, EventLog events, IpEndpoints.Context? ip) =>
        (this.server, this.post, this.token, this.events, this.ip) = (server, post, token, events, ip);

    public static async Task<AgentApi> StartAsync(IPEndPoint endpoint, Func<AgentEvent, bool> post, ApiToken token, EventLog events,
        IpEndpoints.Context? ip = null)
    {
        var options = new KestrelServerOptions { AddServerHeader = false };
        options.Limits.MaxRequestBodySize = MaxBodyBytes;
        options.Listen(endpoint);
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);
        var server = new KestrelServer(Options.Create(options), transport, NullLoggerFactory.Instance);
        var api = new AgentApi(server, post, token, events, ip);
        try
        {
            await server.StartAsync(api, CancellationToken.None);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return api;
    }

    IFeatureCollection IHttpApplication<IFeatureCollection>.CreateContext(IFeatureCollection contextFeatures) => contextFeatures;

    void IHttpApplication<IFeatureCollection>.DisposeContext(IFeatureCollection context, Exception? exception)
    {
    }

    async Task IHttpApplication<IFeatureCollection>.ProcessRequestAsync(IFeatureCollection context)
    {
        var request = new ApiRequest(context);
        ApiResult result;
        try
        {
            if (request.IsGet || token.Accepts(request.Authorization))
            {
                result = await Route(request);
            }
            else
            {
                var why = request.Authorization.Count == 0
                    ? $"this call changes the cluster: send 'Authorization: Bearer TOKEN' with the token from the node's data dir ({ApiToken.FileName})"
                    : "the token does not match this node's api.token";
                result = Error(401, why);
            }
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            result = Error(e.StatusCode, e.Message);
        }
        await result.WriteAsync(context);
    }

    private async Task<ApiResult> Route(ApiRequest request)
    {
        if (Segments(request.Path) is not { } s) return NoSuchEndpoint;
        var (get, isPost) = (request.IsGet, request.IsPost);
        if (get && Is(s, "v1", "status"))
            return await Ask(post, null) is StatusModel status ? new ApiResult(200, status, AgentMessages.Json) : Error(503, "the agent did not answer in time");
        if (get && Is(s, "v1", "events"))
        {
            if (!TryNumber(request, "after", 0, out var after) || !TryNumber(request, "limit", 100, out var limit) || !TryNumber(request, "wait", 0, out var wait))
                return Error(400, "after, limit and wait must be whole numbers (wait in seconds)");
            var list = wait > 0
                ? await events.WaitAfterAsync(after, (int)Math.Min(limit, MaxEventsPerCall), TimeSpan.FromSeconds(Math.Min(wait, MaxEventWait.TotalSeconds)), request.Aborted)
                : events.After(after, (int)Math.Min(limit, MaxEventsPerCall));
            return new ApiResult(200, new EventsModel(events.LastSeq, list), AgentMessages.Json);
        }
        if (isPost && Is(s, "v1", "config"))
        {
            string text;
            using (var reader = new StreamReader(request.Body))
                text = await reader.ReadToEndAsync();
            if (string.IsNullOrWhiteSpace(text)) return Error(400, "the request body must be the new configuration (YAML)");
            var origin = request.Query("origin") is { Length: > 0 and <= 200 } o ? o : "vigil config apply";
            return Answer(await Ask(post, new ClientRequest(0, "config_apply", text, origin)));
        }
        if (isPost && s.Length == 4 && Is(s[0], "v1"))
        {
            var (kind, name, action) = (s[1], s[2], s[3]);
            if (Is(kind, "groups") && Is(action, "move"))
                return await Body(request) is var (body, error) && error is not null ? error
                    : Text(body, "node") is not { } node ? Error(400, "the body must be {\"node\": \"NAME\"}")
                    : await Operator(post, new OperatorCall("move", Group: name, Node: node));
            if (Is(kind, "groups") && Is(action, "failback"))
                return await Operator(post, new OperatorCall("failback", Group: name));
            if (Is(kind, "nodes") && Is(action, "admin"))
                return await Body(request) is var (body, error) && error is not null ? error
                    : Text(body, "state") is not ({ } state and ("online" or "standby" or "maintenance")) ? Error(400, "the body must be {\"state\": \"online\" | \"standby\" | \"maintenance\"}")
                    : await Operator(post, new OperatorCall("admin", Node: name, State: state));
            if (Is(kind, "nodes") && Is(action, "fence"))
                return await Operator(post, new OperatorCall("fence", Node: name));
            if (Is(kind, "resources") && Is(action, "cleanup"))
                return await Body(request, optional: true) is var (body, error) && error is not null ? error
                    : await Operator(post, new OperatorCall("cleanup", Resource: name, Node: Text(body, "node")));
        }
        if (ip is not null && await IpEndpoints.Handle(s, get, isPost, request, ip) is { } answer) return answer;
        return NoSuchEndpoint;
    }

    /// <summary>The path's segments without the leading and one trailing slash; null when a segment is empty.</summary>
    internal static string[]? Segments(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/') return null;
        var inner = path.Length > 1 && path[^1] == '/' ? path[1..^1] : path[1..];
        var segments = inner.Split('/');
        return segments.Any(x => x.Length == 0) ? null : segments;
    }

    internal static bool Is(string segment, string literal) => string.Equals(segment, literal, StringComparison.OrdinalIgnoreCase);

    internal static bool Is(string[] segments, params string[] literals) =>
        segments.Length == literals.Length && segments.Zip(literals).All(p => Is(p.First, p.Second));

    private static async Task<ApiResult> Operator(Func<AgentEvent, bool> post, OperatorCall call) =>
        Answer(await Ask(post, new ClientRequest(0, "operator", JsonSerializer.Serialize(call, AgentMessages.Json), "api")));

    private static ApiResult Answer(object? answer) => answer switch
    {
        ClientResponse { Ok: true } ok => new ApiResult(200, ok, AgentMessages.Json),
        ClientResponse { NotFound: true } missing => new ApiResult(404, new { error = missing.Message }, PlainJson),
        ClientResponse refused => new ApiResult(409, new { error = refused.Message, config_version = refused.ConfigVersion }, PlainJson),
        _ => Error(503, "the agent did not answer in time"),
    };

    /// <summary>The request's JSON object body, or an error result (400) when it is missing or malformed.</summary>
    internal static async Task<(JsonElement? Body, ApiResult? Error)> Body(ApiRequest request, bool optional = false)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        if (string.IsNullOrWhiteSpace(text))
            return optional ? (null, null) : (null, Error(400, "the request needs a JSON object body"));
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (null, Error(400, "the body must be a JSON object"));
        }
        catch (JsonException e)
        {
            return (null, Error(400, $"malformed JSON body: {e.Message}"));
        }
    }

    internal static string? Text(JsonElement? body, string name) =>
        body is { } b && b.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryNumber(ApiRequest request, string name, long fallback, out long value)
    {
        value = fallback;
        var text = request.Query(name);
        return text is null || (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= 0);
    }

    private static async Task<object?> Ask(Func<AgentEvent, bool> post, ClientRequest? request)
    {
        var reply = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!post(new ApiCall(request, reply))) return null;
        var done = await Task.WhenAny(reply.Task, Task.Delay(LoopAnswerTimeout));
        return done == reply.Task ? reply.Task.Result : null;
    }

    internal static ApiResult Error(int status, string message) => new(status, new { error = message }, PlainJson);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await server.StopAsync(stop.Token);
        server.Dispose();
    }
}

/// <summary>GET /v1/events: the newest sequence number, and the events asked for.</summary>
internal sealed record EventsModel(long LastSeq, IReadOnlyList<ClusterEvent> Events);
