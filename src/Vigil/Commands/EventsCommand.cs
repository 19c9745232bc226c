using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Vigil.Cli.Commands;

/// <summary>
/// `vigil events [--follow] [--json] [--limit N]`: the node's recent events (committed decisions with their
/// reasons, and what the node saw itself), oldest first; --follow keeps printing new ones until Ctrl-C.
/// --json prints one JSON object per line.
/// </summary>
public static class EventsCommand
{
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(25);

    public static Command Create()
    {
        var (config, node, api) = (AgentClient.ConfigOption(), AgentClient.NodeOption(), AgentClient.ApiOption());
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events as they happen." };
        var json = new Option<bool>("--json") { Description = "One JSON object per event and line." };
        var limit = new Option<int>("--limit") { Description = "How many recent events to print first (default 50).", DefaultValueFactory = _ => 50 };
        var command = new Command("events", "Show the cluster's recent events as one node's agent recorded them.");
        foreach (var option in new Option[] { config, node, api, follow, json, limit }) command.Options.Add(option);
        command.SetAction((parse, cancel) => RunAsync(parse.GetValue(config), parse.GetValue(node), parse.GetValue(api), parse.GetValue(follow),
            parse.GetValue(json), parse.GetValue(limit), Console.Out, Console.Error, cancel));
        return command;
    }

    public static async Task<int> RunAsync(FileInfo? config, string? node, string? api, bool follow, bool json, int limit,
        TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var (client, error) = AgentClient.From(config, node, api);
        if (client is null)
        {
            stderr.WriteLine("vigil events: " + error);
            return 2;
        }
        if (limit is < 1 or > 500)
        {
            stderr.WriteLine("vigil events: --limit must be between 1 and 500");
            return 2;
        }
        long after = 0;
        var first = true;
        while (!cancel.IsCancellationRequested)
        {
            var wait = first ? 0 : (int)PollWait.TotalSeconds;
            var (status, body, failure) = await client.GetAsync(
                string.Create(CultureInfo.InvariantCulture, $"v1/events?after={after}&limit={(first ? limit : 500)}&wait={wait}"), PollWait + TimeSpan.FromSeconds(10));
            if (body is null || status != HttpStatusCode.OK)
            {
                if (cancel.IsCancellationRequested) break;
                stderr.WriteLine("vigil events: " + (failure ?? StatusCommand.ErrorOf(body) ?? $"agent answered {(int?)status}"));
                return status is null ? 2 : 1;
            }
            using (body)
            {
                var root = body.RootElement;
                var lastSeq = root.GetProperty("last_seq").GetInt64();
                if (lastSeq < after) after = 0; // the agent restarted: its numbering started again
                foreach (var e in root.GetProperty("events").EnumerateArray())
                {
                    stdout.WriteLine(json ? e.GetRawText() : Line(e));
                    after = Math.Max(after, e.GetProperty("seq").GetInt64());
                }
            }
            stdout.Flush();
            first = false;
            if (!follow) break;
        }
        return 0;
    }

    /// <summary>"2026-11-22 10:41:03.120  node_failed      n1  n1 failed: silent on every network for 500 ms".</summary>
    internal static string Line(JsonElement e)
    {
        var time = e.GetProperty("time").GetDateTimeOffset().ToLocalTime();
        var kind = e.GetProperty("kind").GetString();
        return string.Create(CultureInfo.InvariantCulture, $"{time:yyyy-MM-dd HH:mm:ss.fff}  {kind,-22} {e.GetProperty("message").GetString()}");
    }
}
