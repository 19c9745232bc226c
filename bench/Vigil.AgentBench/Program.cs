// Agent benchmarks (distributed-core issue): 3 agents on loopback, heartbeat 50 ms, dead_after 4.
//  1. SIGKILL the leader -> a new leader whose first entry committed (from its log's timestamp), >= 20 trials.
//  2. Commit latency of a config write (POST /v1/config to the leader): proposal -> applied on the leader, and HTTP round trip.
//  3. RSS and CPU per node while idle, after --settle-seconds (default 30) so the JIT's tiered recompilation of the
//     first half minute is not counted: what is measured is the steady state an agent keeps for months.
// Run: bench/agent.sh [--trials N] [--writes N] [--idle-seconds N] [--settle-seconds N]. Exit 1 when a step fails.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Testing.Cluster;

var trials = Option(args, "--trials", 20);
var writes = Option(args, "--writes", 200);
var idleSeconds = Option(args, "--idle-seconds", 30);
var settleSeconds = Option(args, "--settle-seconds", 30);
var timeout = TimeSpan.FromSeconds(30);
using var cluster = new AgentCluster(3, heartbeat: "50ms", deadAfter: 4);
try
{
    cluster.StartAll();
    cluster.AgreedLeader(timeout);
    Thread.Sleep(TimeSpan.FromSeconds(settleSeconds));

    Console.WriteLine($"== resident memory and CPU while idle ({idleSeconds} s after {settleSeconds} s of settling, 3 nodes, heartbeat 50 ms, 2 networks)");
    var before = cluster.Names.ToDictionary(n => n, CpuSeconds);
    var threadsBefore = cluster.Names.ToDictionary(n => n, ThreadCpu);
    var watch = Stopwatch.StartNew();
    Thread.Sleep(TimeSpan.FromSeconds(idleSeconds));
    foreach (var node in cluster.Names)
    {
        var seconds = watch.Elapsed.TotalSeconds;
        var cpu = (CpuSeconds(node) - before[node]) / seconds * 100;
        Console.WriteLine($"{node}: RSS {RssMb(node):F1} MB, CPU {cpu:F2} % of a core   (targets: <= 60 MB, <= 0.5 %)");
        // Where it went: the network thread, the loop (the main thread) and the rest, with wake-ups per second.
        var split = ThreadCpu(node).Where(t => threadsBefore[node].ContainsKey(t.Key))
            .Select(t => (t.Value.Name, Ns: t.Value.RunNs - threadsBefore[node][t.Key].RunNs, Wakes: t.Value.Slices - threadsBefore[node][t.Key].Slices))
            .GroupBy(t => t.Name switch { "vigil-net" => "network thread", "dotnet" or "vigil" => "loop", _ => "other threads" })
            .Select(g => $"{g.Key} {g.Sum(t => t.Ns) / seconds / 1e7:F2} % ({g.Sum(t => t.Wakes) / seconds:F0} wake-ups/s)");
        Console.WriteLine($"    {string.Join(", ", split)}");
    }

    Console.WriteLine($"\n== config write commit latency ({writes} writes to the leader)");
    var leader = cluster.AgreedLeader(timeout);
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    // Changes need the node's API token (its data dir's api.token).
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
        File.ReadAllText(Path.Combine(cluster.DataDir(leader), "api.token")).Trim());
    var commit = new List<double>();
    var roundTrip = new List<double>();
    for (var i = 0; i < writes; i++)
    {
        var sw = Stopwatch.StartNew();
        var response = http.PostAsync($"http://127.0.0.1:{cluster.Api[leader]}/v1/config?origin=bench", new StringContent(cluster.Yaml)).GetAwaiter().GetResult();
        var body = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement;
        sw.Stop();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException("config write failed: " + body);
        if (i < 10) continue; // warm-up
        commit.Add(body.GetProperty("commit_ms").GetDouble());
        roundTrip.Add(sw.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine($"propose -> applied on leader: {Summary(commit)}   (target p50 <= 2 ms)");
    Console.WriteLine($"HTTP round trip (validate, propose, commit, answer): {Summary(roundTrip)}");

    Console.WriteLine($"\n== leader failover: SIGKILL the leader -> new leader's first entry committed ({trials} trials)");
    var failover = new List<double>();
    for (var trial = 0; trial < trials; trial++)
    {
        leader = cluster.AgreedLeader(timeout);
        var term = cluster.MustStatus(leader).GetProperty("term").GetInt64();
        Thread.Sleep(300 + Random.Shared.Next(200)); // a random phase of the heartbeat cycle
        var killedAt = DateTimeOffset.UtcNow;
        cluster.Kill(leader);
        var survivors = cluster.Names.Where(n => n != leader).ToList();
        DateTimeOffset? readyAt = null;
        cluster.WaitUntil(() => (readyAt = LeaderReadyAfter(cluster, survivors, term)) is not null, timeout, "a new leader ready");
        var ms = (readyAt!.Value - killedAt).TotalMilliseconds;
        failover.Add(ms);
        Console.WriteLine($"trial {trial + 1}: {ms:F0} ms");
        cluster.Start(leader);
        cluster.WaitUntil(() => cluster.Names.All(n => cluster.Status(n) is { } s && s.GetProperty("quorum").GetBoolean()
            && s.GetProperty("nodes").EnumerateArray().All(x => x.GetProperty("state").GetString() == "online")), timeout, "all three online again");
    }
    Console.WriteLine($"failover: {Summary(failover)}   (target median <= 300 ms)");
    return 0;
}
catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
{
    Console.Error.WriteLine("benchmark failed: " + e.Message);
    return 1;
}

static DateTimeOffset? LeaderReadyAfter(AgentCluster cluster, List<string> nodes, long term)
{
    foreach (var node in nodes)
        foreach (Match m in Regex.Matches(cluster.Log(node), @"^(\S+) \S+ raft: leader ready in term (\d+)", RegexOptions.Multiline))
            if (long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) > term)
                return DateTimeOffset.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    return null;
}

double CpuSeconds(string node)
{
    var stat = File.ReadAllText($"/proc/{Pid(node)}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}

// Per thread (by task id): name, time on the CPU (ns) and times scheduled in, from /proc/PID/task/TID/schedstat.
Dictionary<string, (string Name, long RunNs, long Slices)> ThreadCpu(string node)
{
    var threads = new Dictionary<string, (string, long, long)>();
    foreach (var task in Directory.EnumerateDirectories($"/proc/{Pid(node)}/task"))
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
            threads[Path.GetFileName(task)] = (File.ReadAllText(Path.Combine(task, "comm")).Trim(),
                long.Parse(stat[0], CultureInfo.InvariantCulture), long.Parse(stat[2], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            // the thread ended meanwhile
        }
    }
    return threads;
}

double RssMb(string node) =>
    File.ReadAllLines($"/proc/{Pid(node)}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0).First();

int Pid(string node) => int.Parse(File.ReadAllText(Path.Combine(cluster.DataDir(node), "agent.pid")).Trim(), CultureInfo.InvariantCulture);

static string Summary(List<double> values)
{
    var sorted = values.Order().ToList();
    double At(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    return $"n={sorted.Count} median {At(0.5):F2} ms, p99 {At(0.99):F2} ms, min {sorted[0]:F2}, max {sorted[^1]:F2}";
}

static int Option(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
