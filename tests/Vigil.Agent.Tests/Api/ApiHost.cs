using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Vigil.Agent.Tests.Storage;
using Vigil.Cli.Agent;
using Vigil.Cli.Agent.Api;
using Vigil.Cli.Agent.Events;
using Vigil.Core.Configuration;

namespace Vigil.Agent.Tests.Api;

/// <summary>
/// <see cref="AgentApi"/> in-process on a free loopback port, with the agent's loop replaced by a function that
/// answers its calls (null: the loop refuses the call). Records the calls; gives an <see cref="HttpClient"/> to it.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly TempDataDir dir;
    private readonly AgentApi api;

    private ApiHost(TempDataDir dir, AgentApi api, EventLog events, ConcurrentQueue<ClientRequest?> calls, int port) =>
        (this.dir, this.api, Events, Calls, Http) = (dir, api, events, calls, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") });

    public EventLog Events { get; }

    /// <summary>The node's API token (api.token in the data dir).</summary>
    public string Token => File.ReadAllText(Path.Combine(dir.DataDir, ApiToken.FileName)).Trim();

    public HttpClient Http { get; }

    /// <summary>The loop's calls in arrival order (null: a status request).</summary>
    public ConcurrentQueue<ClientRequest?> Calls { get; }

    public static async Task<ApiHost> StartAsync(Func<ClientRequest?, object?> answer, ClusterConfig? config = null)
    {
        var dir = new TempDataDir();
        Directory.CreateDirectory(dir.DataDir);
        var token = ApiToken.LoadOrCreate(dir.DataDir, _ => { });
        var events = new EventLog();
        var port = FreePort();
        var calls = new ConcurrentQueue<ClientRequest?>();
        var ip = config is null ? null : new IpEndpoints.Context("n1", null, () => config);
        var api = await AgentApi.StartAsync(new IPEndPoint(IPAddress.Loopback, port), e => Post(e, answer, calls), token, events, ip);
        return new ApiHost(dir, api, events, calls, port);
    }

    /// <summary>The agent's loop: records the call and answers it at once, or refuses it.</summary>
    private static bool Post(AgentEvent e, Func<ClientRequest?, object?> answer, ConcurrentQueue<ClientRequest?> calls)
    {
        if (e is not ApiCall call || answer(call.Request) is not { } reply) return false;
        calls.Enqueue(call.Request);
        call.Reply.SetResult(reply);
        return true;
    }

    /// <summary>A request with this node's token (or <paramref name="token"/>; null: none).</summary>
    public HttpRequestMessage Request(HttpMethod method, string path, string? body = null, string? token = "")
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Length == 0 ? Token : token);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await api.DisposeAsync();
        dir.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
