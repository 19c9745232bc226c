using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vigil.Cli.Agent.Api;

/// <summary>
/// The node's admin API on its loopback `api` address (Kestrel minimal API): GET /v1/status, POST /v1/config
/// (the new YAML as the body; ?origin= names it). Every answer is JSON; errors are {"error": "..."} with a 4xx or
/// 503, never a stack trace. Requests reach the agent's loop as events and wait for its answer (bounded time).
/// </summary>
internal sealed class AgentApi : IAsyncDisposable
{
    public const long MaxBodyBytes = 1024 * 1024;
    private static readonly TimeSpan LoopAnswerTimeout = TimeSpan.FromSeconds(15);

    private readonly WebApplication app;

    private AgentApi(WebApplication app) => this.app = app;

    public static async Task<AgentApi> StartAsync(IPEndPoint endpoint, Func<AgentEvent, bool> post)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint);
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.AddServerHeader = false;
        });
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.WriteIndented = false;
        });
        var app = builder.Build();
        app.MapGet("/v1/status", async () => await Ask(post, null) is StatusModel status
            ? Results.Json(status, AgentMessages.Json)
            : Error(503, "the agent did not answer in time"));
        app.MapPost("/v1/config", async (HttpRequest request) =>
        {
            string text;
            using (var reader = new StreamReader(request.Body))
                text = await reader.ReadToEndAsync();
            if (string.IsNullOrWhiteSpace(text)) return Error(400, "the request body must be the new configuration (YAML)");
            var origin = request.Query["origin"].FirstOrDefault() is { Length: > 0 and <= 200 } o ? o : "vigil config apply";
            return await Ask(post, new ClientRequest(0, "config_apply", text, origin)) switch
            {
                ClientResponse { Ok: true } ok => Results.Json(ok, AgentMessages.Json),
                ClientResponse refused => Results.Json(refused, AgentMessages.Json, statusCode: 409),
                _ => Error(503, "the agent did not answer in time"),
            };
        });
        app.MapFallback(() => Error(404, "no such endpoint; try GET /v1/status"));
        await app.StartAsync();
        return new AgentApi(app);
    }

    private static async Task<object?> Ask(Func<AgentEvent, bool> post, ClientRequest? request)
    {
        var reply = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!post(new ApiCall(request, reply))) return null;
        var done = await Task.WhenAny(reply.Task, Task.Delay(LoopAnswerTimeout));
        return done == reply.Task ? reply.Task.Result : null;
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(stop.Token);
        await app.DisposeAsync();
    }
}
