using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>The operator interface on real agents: token, bad input, moves, standby, events, fence — API and CLI.</summary>
[Collection(nameof(RealClusters))]
public class OperatorApiTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void Mutating_calls_need_the_token_and_bad_input_gets_a_clear_4xx()
    {
        using var cluster = new AgentCluster(3);
        cluster.StartAll();
        cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group("n1") == ("running", "n1"), Long, "webgroup running on n1");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.Api["n2"]}/") };
        var tokenFile = Path.Combine(cluster.DataDir("n2"), "api.token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));

        var (status, error) = Post(http, "v1/groups/webgroup/move", """{"node":"n2"}""", token: null);
        Assert.Equal((HttpStatusCode.Unauthorized, true), (status, error.Contains("Authorization: Bearer", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Unauthorized, Post(http, "v1/groups/webgroup/move", """{"node":"n2"}""", token: "wrong-token-wrong-token").Status);
        Assert.Equal(HttpStatusCode.Unauthorized, Post(http, "v1/config", "cluster: {}", token: null).Status);

        var token = File.ReadAllText(tokenFile).Trim();
        (status, error) = Post(http, "v1/groups/webgroup/move", """{"node": """, token);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("malformed JSON body", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, Post(http, "v1/nodes/n2/admin", """{"state":"asleep"}""", token).Status);
        (status, error) = Post(http, "v1/groups/nogroup/move", """{"node":"n2"}""", token);
        Assert.Equal((HttpStatusCode.NotFound, "no resource group named nogroup"), (status, error));
        (status, error) = Post(http, "v1/nodes/n9/admin", """{"state":"standby"}""", token);
        Assert.Equal((HttpStatusCode.NotFound, "no node named n9"), (status, error));
        Assert.Equal(HttpStatusCode.NotFound, Post(http, "v1/resources/nothing/cleanup", "", token).Status);
        Assert.Equal(HttpStatusCode.NotFound, Post(http, "v1/nowhere", "", token).Status);

        // The CLI: the same answers as one line and a non-zero exit.
        var config = cluster.ConfigPath;
        var (code, output) = VigilCli.Run("group", "move", "nogroup", "n2", "--config", config, "--node", "n2");
        Assert.Equal(1, code);
        Assert.Contains("vigil group move: no resource group named nogroup", output, StringComparison.Ordinal);
        (code, output) = VigilCli.Run("node", "standby", "n9", "--config", config);
        Assert.Equal((1, true), (code, output.Contains("no node named n9", StringComparison.Ordinal)));
        (code, output) = VigilCli.Run("group", "move", "webgroup", "n2", "--api", $"127.0.0.1:{cluster.Api["n2"]}");
        Assert.Equal((1, true), (code, output.Contains("--token-file", StringComparison.Ordinal)));
        (code, output) = VigilCli.Run("group", "move", "webgroup", "n2", "--api", $"127.0.0.1:{cluster.Api["n2"]}", "--token-file", Path.Combine(cluster.Dir, "cluster.key"));
        Assert.Equal((1, true), (code, output.Contains("the token does not match", StringComparison.Ordinal)));
        Assert.True(cluster.IsRunning("n1") && cluster.IsRunning("n2") && cluster.IsRunning("n3"), "bad requests crash nobody");
        Assert.Equal(("running", "n1"), cluster.Group("n2"));
    }

    [Fact]
    public void Move_standby_failback_and_events_through_the_cli()
    {
        using var cluster = new AgentCluster(3);
        cluster.StartAll();
        cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group("n1") == ("running", "n1"), Long, "webgroup running on n1");
        var config = cluster.ConfigPath;

        var (code, output) = VigilCli.Run("group", "move", "webgroup", "n3", "--config", config, "--node", "n2");
        Assert.True(code == 0, output);
        Assert.Contains("accepted: move webgroup to n3", output, StringComparison.Ordinal);
        cluster.WaitUntil(() => cluster.Group("n1") == ("running", "n3") && cluster.Runs("n3") && !cluster.Runs("n1"), Long, "webgroup moved to n3");

        (code, output) = VigilCli.Run("node", "standby", "n3", "--config", config);
        Assert.True(code == 0, output);
        cluster.WaitUntil(() => cluster.Group("n1") is ("running", "n1" or "n2") && !cluster.Runs("n3"), Long, "webgroup left the standby n3");
        cluster.WaitUntil(() => cluster.Status("n1")!.Value.GetProperty("nodes")[2].GetProperty("state").GetString() == "standby", Long, "n3 shown as standby");
        (code, output) = VigilCli.Run("node", "online", "n3", "--config", config);
        Assert.True(code == 0, output);
        (code, output) = VigilCli.Run("group", "failback", "webgroup", "--config", config);
        Assert.True(code == 0, output);
        cluster.WaitUntil(() => cluster.Group("n1") == ("running", "n1") && cluster.Runs("n1"), Long, "webgroup back on n1 after failback");
        (code, output) = VigilCli.Run("resource", "cleanup", "web", "--config", config);
        Assert.True(code == 0, output);
        Assert.Contains("clean up failure counts of webgroup", output, StringComparison.Ordinal);

        (code, output) = VigilCli.Run("events", "--config", config, "--node", "n3");
        Assert.True(code == 0, output);
        foreach (var expected in new[] { "group_move_requested", "operator: move webgroup to n3", "node_admin_changed", "operator: n3 standby", "failback_requested", "failures_cleared" })
            Assert.Contains(expected, output, StringComparison.Ordinal);
        (code, output) = VigilCli.Run("events", "--json", "--limit", "5", "--config", config, "--node", "n1");
        Assert.True(code == 0, output);
        var lines = output.Trim().Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => Assert.True(JsonDocument.Parse(l).RootElement.TryGetProperty("kind", out _)));

        (code, output) = VigilCli.Run("status", "--config", config, "--node", "n2");
        Assert.True(code == 0, output);
        Assert.Contains("LAST EVENTS", output, StringComparison.Ordinal);
        Assert.Contains("web                marker", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Fence_on_demand_fences_through_the_device_and_the_group_moves_once_it_succeeded()
    {
        using var cluster = new AgentCluster(3);
        cluster.StartAll();
        cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group("n2") == ("running", "n1"), Long, "webgroup running on n1");

        var (code, output) = VigilCli.Run("fence", "n1", "--config", cluster.ConfigPath, "--node", "n3");
        Assert.True(code == 0, output);
        cluster.WaitUntil(() => !cluster.IsRunning("n1"), Long, "the script device killed n1's agent");
        cluster.WaitUntil(() => cluster.Group("n2") is ("running", "n2" or "n3"), Long, "webgroup started elsewhere");
        var events = VigilCli.Run("events", "--config", cluster.ConfigPath, "--node", "n2").Output;
        Assert.Contains("operator: fence n1 via fencer", events, StringComparison.Ordinal);
        Assert.Contains("n1 fenced by fencer", events, StringComparison.Ordinal);
        Assert.True(events.IndexOf("n1 fenced by fencer", StringComparison.Ordinal) < events.IndexOf("group_assigned", events.IndexOf("n1 fenced", StringComparison.Ordinal), StringComparison.Ordinal),
            "the group is assigned elsewhere only after the fence succeeded");
    }

    [Fact]
    public void No_agent_reachable_is_one_clear_line_and_exit_2()
    {
        using var cluster = new AgentCluster(3);
        foreach (var args in new[] { new[] { "status" }, ["events"], ["group", "failback", "webgroup"], ["fence", "n1"] })
        {
            var (code, output) = VigilCli.Run([.. args, "--config", cluster.ConfigPath, "--node", "n1"]);
            Assert.True(code == 2 && output.Contains("no agent reachable", StringComparison.Ordinal), $"{string.Join(' ', args)}: exit {code}: {output}");
        }
    }

    private static (HttpStatusCode Status, string Error) Post(HttpClient http, string path, string body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = http.Send(request);
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        using var json = JsonDocument.Parse(text);
        return (response.StatusCode, json.RootElement.TryGetProperty("error", out var e) ? e.GetString()! : "");
    }
}
