using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Vigil.Cli.Agent;
using Vigil.Cli.Agent.Api;
using Vigil.Core.Configuration;

namespace Vigil.Agent.Tests.Api;

/// <summary>The admin API in-process (<see cref="ApiHost"/>): routes, token, query parameters, bodies and every error.</summary>
public class AgentApiTests
{
    private static readonly StatusModel Status = new("itest", "n1", "n1", 3, true, 1, 7, "leader", 9, 9, 0, [], [],
        new Dictionary<string, long>(), []);

    private const string Config = """
        cluster: { name: itest, id: 42, key_file: cluster.key }
        networks: [ { name: ring0 } ]
        nodes:
          - { name: n1, addresses: { ring0: 127.0.0.1:17401 } }
        resource_types:
          - name: marker
            actions: { start: /bin/true, stop: /bin/true, monitor: /bin/true }
        resources: [ { name: web, type: marker } ]
        failover_policies:
          - { name: web-policy, domain: [n1], script: ordered }
        resource_groups:
          - { name: webgroup, resources: [web], policy: web-policy }
        """;

    /// <summary>The loop as the tests want it: status, config applied, and operator calls that name "nogroup" or "busy" fail.</summary>
    private static object? Loop(ClientRequest? request) => request switch
    {
        null => Status,
        { Kind: "config_apply" } => new ClientResponse(request.Id, true, "applied", 2),
        _ when JsonSerializer.Deserialize<OperatorCall>(request.Text, AgentMessages.Json) is { Group: "nogroup" } =>
            new ClientResponse(request.Id, false, "no resource group named nogroup", 1, NotFound: true),
        _ when JsonSerializer.Deserialize<OperatorCall>(request.Text, AgentMessages.Json) is { Group: "busy" } =>
            new ClientResponse(request.Id, false, "busy is moving", 1),
        _ => new ClientResponse(request.Id, true, "accepted", 1),
    };

    [Fact]
    public async Task Routes_ignore_case_allow_one_trailing_slash_and_answer_json_with_its_length()
    {
        await using var api = await ApiHost.StartAsync(Loop);
        foreach (var path in new[] { "v1/status", "V1/STATUS", "v1/status/" })
            Assert.Equal((HttpStatusCode.OK, "n1"), await Send(api, HttpMethod.Get, path) is var (status, body) ? (status, body.GetProperty("leader").GetString()) : default);
        foreach (var path in new[] { "v1/status//", "v1//status", "/v1/status/x", "v1", "", "favicon.ico" })
        {
            var (status, body) = await Send(api, HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.StartsWith("no such endpoint", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Send(api, HttpMethod.Post, "v1/status", "{}")).Status);

        using var response = await api.Http.GetAsync("v1/status");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal(JsonSerializer.Serialize(Status, AgentMessages.Json), System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task A_loop_that_takes_no_call_gets_503()
    {
        await using var api = await ApiHost.StartAsync(_ => null);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "the agent did not answer in time"), Error(await Send(api, HttpMethod.Get, "v1/status")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Send(api, HttpMethod.Post, "v1/groups/webgroup/failback")).Status);
    }

    [Fact]
    public async Task Mutating_calls_need_the_token()
    {
        await using var api = await ApiHost.StartAsync(Loop);
        var (status, error) = Error(await Send(api, HttpMethod.Post, "v1/groups/webgroup/failback", token: null));
        Assert.Equal((HttpStatusCode.Unauthorized, true), (status, error.Contains("'Authorization: Bearer TOKEN'", StringComparison.Ordinal)));
        Assert.Equal((HttpStatusCode.Unauthorized, "the token does not match this node's api.token"),
            Error(await Send(api, HttpMethod.Post, "v1/config", "cluster: {}", token: "wrong-token-wrong-token")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(api, HttpMethod.Delete, "v1/status", token: null)).Status);
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task Operator_calls_reach_the_loop_with_the_path_segment_as_kestrel_decoded_it()
    {
        await using var api = await ApiHost.StartAsync(Loop);
        Assert.Equal(HttpStatusCode.OK, (await Send(api, HttpMethod.Post, "V1/Groups/web%20group/MOVE/", """{"node":"n2"}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(api, HttpMethod.Post, "v1/groups/a%2Fb/failback")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(api, HttpMethod.Post, "v1/nodes/n2/admin", """{"state":"standby"}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(api, HttpMethod.Post, "v1/nodes/n3/fence")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(api, HttpMethod.Post, "v1/resources/web/cleanup")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(api, HttpMethod.Post, "v1/resources/web/cleanup", """{"node":"n1"}""")).Status);
        Assert.Equal(
            [
                new OperatorCall("move", Group: "web group", Node: "n2"), new OperatorCall("failback", Group: "a%2Fb"),
                new OperatorCall("admin", Node: "n2", State: "standby"), new OperatorCall("fence", Node: "n3"),
                new OperatorCall("cleanup", Resource: "web"), new OperatorCall("cleanup", Resource: "web", Node: "n1"),
            ],
            api.Calls.Select(c => (c!.Kind, c.Origin) == ("operator", "api") ? JsonSerializer.Deserialize<OperatorCall>(c.Text, AgentMessages.Json) : null));

        Assert.Equal((HttpStatusCode.NotFound, "no resource group named nogroup"), Error(await Send(api, HttpMethod.Post, "v1/groups/nogroup/failback")));
        var (status, refused) = await Send(api, HttpMethod.Post, "v1/groups/busy/move", """{"node":"n2"}""");
        Assert.Equal((HttpStatusCode.Conflict, "busy is moving", 1), (status, refused.GetProperty("error").GetString(), refused.GetProperty("config_version").GetInt64()));
    }

    [Fact]
    public async Task Bad_bodies_get_400_and_never_reach_the_loop()
    {
        await using var api = await ApiHost.StartAsync(Loop);
        var (status, error) = Error(await Send(api, HttpMethod.Post, "v1/groups/webgroup/move", """{"node": """));
        Assert.Equal((HttpStatusCode.BadRequest, true), (status, error.StartsWith("malformed JSON body", StringComparison.Ordinal)));
        Assert.Equal((HttpStatusCode.BadRequest, "the request needs a JSON object body"), Error(await Send(api, HttpMethod.Post, "v1/groups/webgroup/move")));
        Assert.Equal((HttpStatusCode.BadRequest, "the body must be a JSON object"), Error(await Send(api, HttpMethod.Post, "v1/groups/webgroup/move", "[1]")));
        Assert.Equal((HttpStatusCode.BadRequest, "the body must be {\"node\": \"NAME\"}"), Error(await Send(api, HttpMethod.Post, "v1/groups/webgroup/move", """{"node":1}""")));
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(api, HttpMethod.Post, "v1/nodes/n2/admin", """{"state":"asleep"}""")).Status);
        Assert.Equal((HttpStatusCode.BadRequest, "the request body must be the new configuration (YAML)"), Error(await Send(api, HttpMethod.Post, "v1/config", " \n")));
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task Config_takes_its_origin_from_the_query_and_refuses_a_body_over_the_limit()
    {
        await using var api = await ApiHost.StartAsync(Loop);
        Assert.Equal(HttpStatusCode.OK, (await Send(api, HttpMethod.Post, "v1/config?origin=my+tool%21&origin=second", "cluster: {}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(api, HttpMethod.Post, "v1/config?ORIGIN=", "cluster: {}")).Status);
        Assert.Equal(
            [new ClientRequest(0, "config_apply", "cluster: {}", "my tool!"), new ClientRequest(0, "config_apply", "cluster: {}", "vigil config apply")],
            api.Calls);

        var (status, error) = Error(await Send(api, HttpMethod.Post, "v1/config", new string('#', (int)AgentApi.MaxBodyBytes + 1)));
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, true), (status, error.Length > 0));
        Assert.Equal(2, api.Calls.Count);
    }

    [Fact]
    public async Task Events_take_after_limit_and_wait_from_the_query()
    {
        await using var api = await ApiHost.StartAsync(Loop);
        foreach (var n in new[] { "one", "two", "three" }) api.Events.Add("test", n, null, null, "n1");
        var (status, body) = await Send(api, HttpMethod.Get, "v1/events?after=1&LIMIT=1&limit=5");
        Assert.Equal((HttpStatusCode.OK, 3, "three"), (status, body.GetProperty("last_seq").GetInt64(), body.GetProperty("events").EnumerateArray().Single().GetProperty("message").GetString()));
        Assert.Equal(2, (await Send(api, HttpMethod.Get, "v1/events?after=1")).Body.GetProperty("events").GetArrayLength());
        foreach (var query in new[] { "after=x", "after=-1", "after", "limit=+5", "wait=1.5", "after=%31&wait=%" })
            Assert.Equal((HttpStatusCode.BadRequest, "after, limit and wait must be whole numbers (wait in seconds)"), Error(await Send(api, HttpMethod.Get, "v1/events?" + query)));

        var waiting = Send(api, HttpMethod.Get, "v1/events?after=3&wait=20");
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "the call waits for the next event");
        api.Events.Add("test", "four", null, null, "n1");
        (status, body) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((HttpStatusCode.OK, "four"), (status, body.GetProperty("events")[0].GetProperty("message").GetString()));
    }

    [Fact]
    public async Task A_client_that_goes_away_ends_its_wait_for_events()
    {
        var api = await ApiHost.StartAsync(Loop);
        using (var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api.Http.GetAsync("v1/events?after=0&wait=30", gone.Token));
        await Task.Delay(200);
        var stop = Stopwatch.StartNew();
        await api.DisposeAsync();
        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(1.5), $"the server stopped in {stop.Elapsed} (a waiting call holds it 2 s)");
    }

    [Fact]
    public async Task Ip_endpoints_answer_from_the_nodes_configuration()
    {
        var loaded = ConfigLoader.Load(Config, "cluster.yaml");
        Assert.True(loaded.Config is not null, string.Join("\n", loaded.Problems));
        await using var api = await ApiHost.StartAsync(Loop, loaded.Config);
        var (status, body) = await Send(api, HttpMethod.Get, "v1/ip/");
        Assert.Equal((HttpStatusCode.OK, "n1", 0), (status, body.GetProperty("node").GetString(), body.GetProperty("groups").GetArrayLength()));
        Assert.Equal((HttpStatusCode.Conflict, "web is a marker resource, not an ip_address"), Error(await Send(api, HttpMethod.Post, "v1/ip/switch", """{"target":"web"}""")));
        Assert.Equal((HttpStatusCode.NotFound, "no resource or interface group named vip"), Error(await Send(api, HttpMethod.Post, "v1/IP/move", """{"resource":"vip"}""")));
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(api, HttpMethod.Post, "v1/ip/backup", """{"resource":"web"}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(api, HttpMethod.Post, "v1/ip/move", """{"resource":"web"}""", token: null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(api, HttpMethod.Get, "v1/ip/move")).Status);
    }

    /// <summary>
    /// The point of reading Kestrel's features directly: serving every endpoint creates no HttpContext, so nothing loads
    /// System.Security.Claims (HttpContext.User). Microsoft.AspNetCore.Http and Microsoft.AspNetCore.WebUtilities cannot be
    /// checked this way: Kestrel itself loads them (its HttpProtocol constructor; its status-line table, built from
    /// WebUtilities' reason phrases at the first response), but no longer runs DefaultHttpContext's or the query parser's code.
    /// </summary>
    [Fact]
    public async Task Serving_requests_creates_no_http_context()
    {
        await using var api = await ApiHost.StartAsync(Loop, ConfigLoader.Load(Config, "cluster.yaml").Config);
        api.Events.Add("test", "one", null, null, "n1");
        await Send(api, HttpMethod.Get, "v1/status");
        await Send(api, HttpMethod.Get, "v1/events?after=0&limit=5");
        await Send(api, HttpMethod.Get, "v1/events?after=1&wait=1");
        await Send(api, HttpMethod.Post, "v1/config?origin=test", "cluster: {}");
        await Send(api, HttpMethod.Post, "v1/config", new string('#', (int)AgentApi.MaxBodyBytes + 1));
        await Send(api, HttpMethod.Post, "v1/groups/webgroup/move", """{"node":"n2"}""");
        await Send(api, HttpMethod.Post, "v1/nodes/n2/admin", """{"state":"standby"}""", token: null);
        await Send(api, HttpMethod.Get, "v1/ip");
        await Send(api, HttpMethod.Post, "v1/ip/switch", """{"target":"web"}""");
        await Send(api, HttpMethod.Get, "v1/nowhere");
        Assert.DoesNotContain("System.Security.Claims", AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Send(ApiHost api, HttpMethod method, string path, string? body = null, string? token = "")
    {
        using var request = api.Request(method, path, body, token);
        using var response = await api.Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static (HttpStatusCode Status, string Error) Error((HttpStatusCode Status, JsonElement Body) answer) =>
        (answer.Status, answer.Body.GetProperty("error").GetString()!);
}
