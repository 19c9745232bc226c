using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Cli.Agent;
using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>
/// Real agents: a voter added and removed with `vigil config apply` (one voter per config version), and a node
/// that was down while the leader compacted its log catching up through an installed snapshot.
/// </summary>
[Collection(nameof(RealClusters))]
public partial class MembershipAndSnapshotTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(45);
    private static readonly string[] Original = ["n1", "n2", "n3"];

    [Fact]
    public void A_voter_is_added_and_removed_through_config_apply()
    {
        using var cluster = new AgentCluster(3, spareNodes: 1);
        cluster.StartAll();
        var leader = cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group(leader) == ("running", "n1") && cluster.Runs("n1"), Long, "webgroup running on n1");

        // n4 starts first (empty data dir) from the file that lists it: until a version lists it, the cluster drops
        // its packets. (Started only after the version, it would race the startup fencing of a node not heard within a dead time.)
        var withN4 = Path.Combine(cluster.Dir, "cluster-with-n4.yaml");
        File.WriteAllText(withN4, cluster.YamlWith([.. Original, "n4"]));
        cluster.Start("n4", withN4);
        cluster.WaitUntil(() => UnknownSenders(cluster, leader) > 0, Long, "the leader to drop n4's packets (n4 is not in config version 1)");
        Assert.Equal(0, cluster.MustStatus("n4").GetProperty("config_version").GetInt64());

        // Version 2 adds n4, a fourth voter.
        var (code, output) = VigilCli.Run("config", "apply", withN4, "--node", leader);
        Assert.True(code == 0, output);
        Assert.Contains("config version 2 committed", output, StringComparison.Ordinal);

        string[] four = [.. Original, "n4"];
        cluster.WaitUntil(() => four.All(n => cluster.Status(n) is { } s && s.GetProperty("config_version").GetInt64() == 2
                && s.GetProperty("leader").GetString() == leader && s.GetProperty("quorum").GetBoolean()
                && Nodes(s).SequenceEqual(four) && s.GetProperty("nodes").EnumerateArray().All(x => x.GetProperty("state").GetString() == "online")),
            Long, $"all four nodes at config version 2, following {leader}, each seeing n1..n4 online");
        // n4 is a Raft voter: the membership entry took effect on the leader and reached n4 through the log.
        cluster.WaitUntil(() => cluster.Log(leader).Contains("membership [n1,n2,n3,n4] (was [n1,n2,n3])", StringComparison.Ordinal), Long,
            "the leader's membership to include n4");
        cluster.WaitUntil(() => cluster.Status("n4") is { } s && s.GetProperty("applied_index").GetInt64() >= cluster.MustStatus(leader).GetProperty("commit_index").GetInt64() - 2,
            Long, "n4 to apply the log up to the leader's commit index");
        cluster.WaitUntil(() => cluster.Group("n4") == ("running", "n1"), Long, "n4 (leased by the leader) to show webgroup running on n1");
        Assert.True(cluster.IsRunning("n4"), "n4's agent stopped (fenced as a failed node?)\n" + cluster.AllLogs());
        Assert.True(cluster.Runs("n1") && !cluster.Runs("n2") && !cluster.Runs("n3") && !cluster.Runs("n4"), "webgroup runs on n1 only");

        // Version 3 removes n4 again.
        var withoutN4 = Path.Combine(cluster.Dir, "cluster-without-n4.yaml");
        File.WriteAllText(withoutN4, cluster.YamlWith(Original, comment: "n4 removed"));
        (code, output) = VigilCli.Run("config", "apply", withoutN4, "--node", "n1");
        Assert.True(code == 0, output);
        Assert.Contains("config version 3 committed", output, StringComparison.Ordinal);
        cluster.WaitUntil(() => Original.All(n => cluster.Status(n) is { } s && s.GetProperty("config_version").GetInt64() == 3
                && s.GetProperty("quorum").GetBoolean() && Nodes(s).SequenceEqual(Original)),
            Long, "n1..n3 at config version 3 without n4");
        leader = AgreedAmong(cluster, Original);
        cluster.WaitUntil(() => cluster.Log(leader).Contains("membership [n1,n2,n3] (was [n1,n2,n3,n4])", StringComparison.Ordinal), Long,
            "the leader's membership without n4");
        var dropped = UnknownSenders(cluster, leader);
        cluster.WaitUntil(() => UnknownSenders(cluster, leader) > dropped, Long, "the leader to drop the packets of n4, still running");

        // n4 no longer counts: with n4 and one more node down, two of the three voters still commit (two of four would not).
        var other = leader == "n3" ? "n2" : "n3";
        cluster.Kill("n4");
        cluster.Kill(other);
        var survivors = Original.Where(n => n != other).ToArray();
        var v4 = Path.Combine(cluster.Dir, "cluster-v4.yaml");
        File.WriteAllText(v4, cluster.YamlWith(Original, comment: "version 4"));
        (code, output) = VigilCli.Run("config", "apply", v4, "--node", survivors[0]);
        Assert.True(code == 0, output + "\n" + cluster.AllLogs());
        Assert.Contains("config version 4 committed", output, StringComparison.Ordinal);
        cluster.WaitUntil(() => survivors.All(n => cluster.Status(n) is { } s && s.GetProperty("config_version").GetInt64() == 4 && s.GetProperty("quorum").GetBoolean()),
            Long, $"{string.Join(" and ", survivors)} at config version 4 with quorum");
        cluster.WaitUntil(() => cluster.Group(survivors[0]) == ("running", "n1") && cluster.Runs("n1"), Long, "webgroup still running on n1");
    }

    [Fact]
    public void A_node_behind_the_leaders_compacted_log_catches_up_from_an_installed_snapshot()
    {
        using var cluster = new AgentCluster(3);
        cluster.Environment[AgentSettings.SnapshotEveryVariable] = "20";
        cluster.StartAll();
        var leader = cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Group(leader) == ("running", "n1") && cluster.Runs("n1"), Long, "webgroup running on n1");
        Assert.Contains($"snapshot every 20 applied entries ({AgentSettings.SnapshotEveryVariable})", cluster.Log("n1"), StringComparison.Ordinal);

        // The node that goes down: neither the leader nor the group's node.
        var behind = leader == "n3" ? "n2" : "n3";
        var applier = Original.First(n => n != behind);
        cluster.Kill(behind);
        // Its log cannot hold more than the leader's log held when it died (entries committed since have to reach a majority without it).
        cluster.WaitUntil(() => cluster.Status(leader) is { } s && s.GetProperty("applied_index").GetInt64() == s.GetProperty("commit_index").GetInt64(), Long, "the leader applied what it committed");
        var afterKill = cluster.MustStatus(leader).GetProperty("commit_index").GetInt64();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.Api[applier]}/"), Timeout = TimeSpan.FromSeconds(20) };
        var token = File.ReadAllText(Path.Combine(cluster.DataDir(applier), "api.token")).Trim();
        var version = cluster.MustStatus(applier).GetProperty("config_version").GetInt64();
        // Config versions (one entry each) until the leader compacted well past anything the stopped node holds.
        for (var i = 0; i < 200 && CompactedThrough(cluster.Log(leader)) <= afterKill + 5; i++)
        {
            var (status, body) = PostConfig(http, token, cluster.YamlWith(Original, comment: $"catch-up filler {i}"));
            Assert.True(status == HttpStatusCode.OK, $"POST /v1/config: {(int)status} {body}");
            version++;
        }
        var compacted = CompactedThrough(cluster.Log(leader));
        Assert.True(compacted > afterKill + 5, $"the leader compacted through {compacted}, not past {afterKill}\n{cluster.AllLogs()}");
        leader = AgreedAmong(cluster, [.. Original.Where(n => n != behind)]);
        cluster.WaitUntil(() => cluster.Status(leader) is { } s && s.GetProperty("config_version").GetInt64() == version, Long, $"the leader at config version {version}");

        // The leader declared it failed and fenced it (the script kills whatever agent runs as it): restart it only after that.
        cluster.WaitUntil(() => cluster.Log(leader).Contains($"decision: {behind} fenced by fencer", StringComparison.Ordinal), Long, $"{behind} fenced");
        cluster.Start(behind);
        cluster.WaitUntil(() => cluster.Status(behind) is { } s && s.GetProperty("config_version").GetInt64() == version && s.GetProperty("leader").GetString() == leader,
            Long, $"{behind} to follow {leader} at config version {version}");
        var installed = InstalledSnapshot().Match(cluster.Log(behind));
        Assert.True(installed.Success, $"{behind} logged no installed snapshot\n{cluster.Log(behind)}");
        Assert.True(long.Parse(installed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > afterKill, installed.Value);
        Assert.Equal(leader, installed.Groups[2].Value);
        Assert.Equal(("running", "n1"), cluster.Group(behind));
        Assert.True(cluster.Runs("n1") && !cluster.Runs("n2") && !cluster.Runs("n3"), "webgroup runs on n1 only");
    }

    [Theory]
    [InlineData(null, 1000)]
    [InlineData("", 1000)]
    [InlineData("10", 10)]
    [InlineData(" 250 ", 250)]
    [InlineData("1000000", 1_000_000)]
    public void The_snapshot_threshold_comes_from_the_environment(string? value, int expected) =>
        Assert.Equal(expected, AgentSettings.SnapshotEveryFrom(value));

    [Theory]
    [InlineData("9")]
    [InlineData("1000001")]
    [InlineData("-20")]
    [InlineData("1e3")]
    [InlineData("lots")]
    public void A_bad_snapshot_threshold_stops_the_agent_with_a_clear_message(string value)
    {
        var e = Assert.Throws<AgentSetupException>(() => AgentSettings.SnapshotEveryFrom(value));
        Assert.Contains($"VIGIL_SNAPSHOT_EVERY={value}: expected a whole number of entries from 10 to 1000000", e.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Nodes(JsonElement status) =>
        status.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()!);

    private static long UnknownSenders(AgentCluster cluster, string node) =>
        cluster.MustStatus(node).GetProperty("wire").GetProperty("unknown_sender").GetInt64();

    private static string AgreedAmong(AgentCluster cluster, IReadOnlyList<string> nodes)
    {
        string? leader = null;
        cluster.WaitUntil(() => nodes.Select(cluster.Leader).Distinct().ToList() is [{ } one] && (leader = one) is not null, Long, $"{string.Join(", ", nodes)} to agree on a leader");
        return leader!;
    }

    /// <summary>The highest index the node's log says it compacted through (0 if none).</summary>
    private static long CompactedThrough(string log) =>
        Compacted().Matches(log).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    private static (HttpStatusCode Status, string Body) PostConfig(HttpClient http, string token, string yaml)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/config") { Content = new StringContent(yaml, Encoding.UTF8, "application/yaml") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = http.Send(request);
        return (response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"snapshot at index (\d+); log compacted")]
    private static partial Regex Compacted();

    [GeneratedRegex(@"installed snapshot at index (\d+) \(term \d+\) from (\S+):")]
    private static partial Regex InstalledSnapshot();
}
