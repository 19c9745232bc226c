using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Cli.Agent.Events;

namespace Vigil.Cli.Agent.Api;

/// <summary>
/// The node's admin API on its loopback `api` address (Kestrel minimal API). Reads are open to the host:
/// GET /v1/status, GET /v1/events?after=SEQ&amp;limit=N&amp;wait=SECONDS. Changes need the data dir's token
/// (<see cref="ApiToken"/>): POST /v1/config (YAML body), /v1/groups/{group}/move {"node"}, /v1/groups/{group}/failback,
/// /v1/nodes/{node}/admin {"state"}, /v1/nodes/{node}/fence, /v1/resources/{resource}/cleanup {"node"?}; `vigil ip` in <see cref="IpEndpoints"/>.
/// Every answer is JSON; errors are {"error": "..."} with 400 (malformed), 401 (no or wrong token), 404 (no such
/// group/node/resource), 409 (refused), 503 (no answer) — never a stack trace. Requests reach the agent's loop
/// as events and wait for its answer (bounded time).
/// </summary>
internal sealed class AgentApi : IAsyncDisposable
{
    public const long MaxBodyBytes = 1024 * 1024;
    public const int MaxEventsPerCall = 500;
    private static readonly TimeSpan LoopAnswerTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxEventWait = TimeSpan.FromSeconds(30);

    private readonly WebApplication app;

    private AgentApi(WebApplication app) => this.app = app;

    public static async Task<AgentApi> StartAsync(IPEndPoint endpoint, Func<AgentEvent, bool> post, ApiToken token, EventLog events,
        IpEndpoints.Context? ip = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint);
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            try
            {
                if (HttpMethods.IsGet(context.Request.Method) || token.Accepts(context.Request.Headers.Authorization))
                {
                    await next(context);
                    return;
                }
                var why = context.Request.Headers.Authorization.Count == 0
                    ? $"this call changes the cluster: send 'Authorization: Bearer TOKEN' with the token from the node's data dir ({ApiToken.FileName})"
                    : "the token does not match this node's api.token";
                await Error(401, why).ExecuteAsync(context);
            }
            catch (BadHttpRequestException e)
            {
                await Error(e.StatusCode, e.Message).ExecuteAsync(context);
            }
        });
        app.MapGet("/v1/status", async () => await Ask(post, null) is StatusModel status
            ? Results.Json(status, AgentMessages.Json)
            : Error(503, "the agent did not answer in time"));
        app.MapGet("/v1/events", async (HttpRequest request, CancellationToken cancel) =>
        {
            if (!TryNumber(request, "after", 0, out var after) || !TryNumber(request, "limit", 100, out var limit) || !TryNumber(request, "wait", 0, out var wait))
                return Error(400, "after, limit and wait must be whole numbers (wait in seconds)");
            var list = wait > 0
                ? await events.WaitAfterAsync(after, (int)Math.Min(limit, MaxEventsPerCall), TimeSpan.FromSeconds(Math.Min(wait, MaxEventWait.TotalSeconds)), cancel)
                : events.After(after, (int)Math.Min(limit, MaxEventsPerCall));
            return Results.Json(new EventsModel(events.LastSeq, list), AgentMessages.Json);
        });
        app.MapPost("/v1/config", async (HttpRequest request) =>
        {
            string text;
            using (var reader = new StreamReader(request.Body))
                text = await reader.ReadToEndAsync();
            if (string.IsNullOrWhiteSpace(text)) return Error(400, "the request body must be the new configuration (YAML)");
            var origin = request.Query["origin"].FirstOrDefault() is { Length: > 0 and <= 200 } o ? o : "vigil config apply";
            return Answer(await Ask(post, new ClientRequest(0, "config_apply", text, origin)));
        });
        app.MapPost("/v1/groups/{group}/move", async (string group, HttpRequest request) =>
            await Body(request) is var (body, error) && error is not null ? error
            : Text(body, "node") is not { } node ? Error(400, "the body must be {\"node\": \"NAME\"}")
            : await Operator(post, new OperatorCall("move", Group: group, Node: node)));
        app.MapPost("/v1/groups/{group}/failback", async (string group) => await Operator(post, new OperatorCall("failback", Group: group)));
        app.MapPost("/v1/nodes/{node}/admin", async (string node, HttpRequest request) =>
            await Body(request) is var (body, error) && error is not null ? error
            : Text(body, "state") is not ({ } state and ("online" or "standby" or "maintenance")) ? Error(400, "the body must be {\"state\": \"online\" | \"standby\" | \"maintenance\"}")
            : await Operator(post, new OperatorCall("admin", Node: node, State: state)));
        app.MapPost("/v1/nodes/{node}/fence", async (string node) => await Operator(post, new OperatorCall("fence", Node: node)));
        app.MapPost("/v1/resources/{resource}/cleanup", async (string resource, HttpRequest request) =>
            await Body(request, optional: true) is var (body, error) && error is not null ? error
            : await Operator(post, new OperatorCall("cleanup", Resource: resource, Node: Text(body, "node"))));
        if (ip is not null) IpEndpoints.Map(app, ip.Node, ip.Interfaces, ip.Config);
        app.MapFallback(() => Error(404, "no such endpoint; see docs/api.md (GET /v1/status, GET /v1/events, POST /v1/…)"));
        await app.StartAsync();
        return new AgentApi(app);
    }

    private static async Task<IResult> Operator(Func<AgentEvent, bool> post, OperatorCall call) =>
        Answer(await Ask(post, new ClientRequest(0, "operator", JsonSerializer.Serialize(call, AgentMessages.Json), "api")));

    private static IResult Answer(object? answer) => answer switch
    {
        ClientResponse { Ok: true } ok => Results.Json(ok, AgentMessages.Json),
        ClientResponse { NotFound: true } missing => Results.Json(new { error = missing.Message }, statusCode: 404),
        ClientResponse refused => Results.Json(new { error = refused.Message, config_version = refused.ConfigVersion }, statusCode: 409),
        _ => Error(503, "the agent did not answer in time"),
    };

    /// <summary>The request's JSON object body, or an error result (400) when it is missing or malformed.</summary>
    internal static async Task<(JsonElement? Body, IResult? Error)> Body(HttpRequest request, bool optional = false)
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

    private static bool TryNumber(HttpRequest request, string name, long fallback, out long value)
    {
        value = fallback;
        var text = request.Query[name].FirstOrDefault();
        return text is null || (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= 0);
    }

    private static async Task<object?> Ask(Func<AgentEvent, bool> post, ClientRequest? request)
    {
        var reply = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!post(new ApiCall(request, reply))) return null;
        var done = await Task.WhenAny(reply.Task, Task.Delay(LoopAnswerTimeout));
        return done == reply.Task ? reply.Task.Result : null;
    }

    internal static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(stop.Token);
        await app.DisposeAsync();
    }
}

/// <summary>GET /v1/events: the newest sequence number, and the events asked for.</summary>
internal sealed record EventsModel(long LastSeq, IReadOnlyList<ClusterEvent> Events);
