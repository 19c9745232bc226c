using System.Net;
using System.Net.Sockets;
using Vigil.Cli.Agent.Wire;
using Vigil.Testing.Cluster;

namespace Vigil.Agent.Tests.Cluster;

/// <summary>Bad input reaching a running agent: a clear log line each, no crash, nothing lost.</summary>
[Collection(nameof(RealClusters))]
public class BadInputTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_corrupt_log_tail_is_logged_truncated_and_the_node_catches_up()
    {
        using var cluster = new AgentCluster(3);
        cluster.StartAll();
        cluster.AgreedLeader(Long);
        cluster.WaitUntil(() => cluster.Status("n2") is { } s && s.GetProperty("config_version").GetInt64() == 1 && s.GetProperty("applied_index").GetInt64() >= 3,
            Long, "n2 applied the first entries");
        cluster.Kill("n2");
        cluster.WaitUntil(() => cluster.Status("n1") is { } s && s.GetProperty("nodes")[1].GetProperty("state").GetString() == "fenced", Long,
            "n2 fenced (restarting it before would let the fence hit the new agent)");
        var log = Path.Combine(cluster.DataDir("n2"), "raft", "log");
        var committedBytes = new FileInfo(log).Length;
        using (var file = File.Open(log, FileMode.Append))
            file.Write([0x40, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 1, 7, 7, 7]); // a record header promising more than follows: a torn write

        cluster.Start("n2");
        cluster.WaitUntil(() => cluster.Log("n2").Contains("torn or corrupt record", StringComparison.Ordinal), Long, "n2 reports the torn tail");
        cluster.WaitUntil(() => cluster.Status("n2") is { } s && s.GetProperty("leader").ValueKind == System.Text.Json.JsonValueKind.String
            && s.GetProperty("config_version").GetInt64() == 1 && s.GetProperty("quorum").GetBoolean(), Long, "n2 rejoined at config version 1");
        Assert.True(cluster.IsRunning("n2"));
        Assert.True(new FileInfo(log).Length >= committedBytes, "nothing before the torn record was cut");
    }

    [Fact]
    public void A_node_with_the_wrong_key_is_dropped_and_logged_on_both_sides_and_then_fenced_as_unknown()
    {
        using var cluster = new AgentCluster(3);
        var wrongKeyConfig = Path.Combine(cluster.Dir, "cluster-wrong-key.yaml");
        File.WriteAllText(Path.Combine(cluster.Dir, "other.key"), ClusterKey.Generate());
        File.WriteAllText(wrongKeyConfig, cluster.Yaml.Replace("key_file: cluster.key", "key_file: other.key"));
        cluster.Start("n1");
        cluster.Start("n3", wrongKeyConfig);
        cluster.WaitUntil(() => cluster.Log("n1").Contains("authentication tag mismatch", StringComparison.Ordinal)
            && cluster.Log("n3").Contains("authentication tag mismatch", StringComparison.Ordinal), Long, "both sides log the other's packets failing authentication");
        Assert.True(cluster.IsRunning("n1") && cluster.IsRunning("n3"), "bad packets crash nobody");
        cluster.WaitUntil(() => cluster.Status("n1") is { } s && s.GetProperty("wire").GetProperty("bad_tag").GetInt64() > 0, Long, "n1 counts the bad tags");

        // n1 and n2 form the cluster; n3 never joins, so it is unknown: startup fencing resets it (Pacemaker does the same).
        cluster.Start("n2");
        cluster.WaitUntil(() => cluster.Leader("n1") is { } l && cluster.Leader("n2") == l, Long, "n1 and n2 elect a leader without n3");
        cluster.WaitUntil(() => !cluster.IsRunning("n3"), Long, "the unknown n3 fenced");
        var leader = cluster.Leader("n1")!;
        Assert.Contains("n3 has not joined since the cluster formed", cluster.Log(leader));
        cluster.WaitUntil(() => cluster.Group("n1") == ("running", "n1"), Long, "webgroup running on n1");
    }

    [Fact]
    public void Packets_from_another_cluster_and_garbage_are_dropped_counted_and_logged()
    {
        using var cluster = new AgentCluster(3);
        cluster.StartAll();
        cluster.AgreedLeader(Long);
        var ring0 = int.Parse(System.Text.RegularExpressions.Regex.Match(cluster.Yaml, @"name: n1, addresses: \{ ring0: 127\.0\.0\.1:(\d+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        var key = ClusterKey.Load(Path.Combine(cluster.Dir, "cluster.key"));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var target = new IPEndPoint(IPAddress.Loopback, ring0);
        foreach (var datagram in new PacketSealer(9, "n2", 1, key).Seal(MessageKind.Raft, [1, 2, 3])) socket.SendTo(datagram, target);
        socket.SendTo(new byte[] { (byte)'V', (byte)'G', (byte)'L', 1, 0, 0 }, target);
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var garbage = new byte[random.Next(1, 1500)];
            random.NextBytes(garbage);
            socket.SendTo(garbage, target);
        }
        cluster.WaitUntil(() => cluster.Log("n1").Contains("cluster id 9 is not ours (42)", StringComparison.Ordinal), Long, "n1 logs the foreign cluster's packet");
        cluster.WaitUntil(() => cluster.Status("n1") is { } s && s.GetProperty("wire").GetProperty("foreign_cluster").GetInt64() >= 1
            && s.GetProperty("wire").GetProperty("malformed").GetInt64() >= 1, Long, "drops counted");
        Assert.True(cluster.IsRunning("n1"));
        Assert.True(cluster.MustStatus("n1").GetProperty("quorum").GetBoolean());
    }
}
