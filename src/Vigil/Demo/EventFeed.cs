using System.Globalization;
using System.Text.Json;

namespace Vigil.Cli.Demo;

/// <summary>One event as a node's API reported it; <paramref name="Reporter"/> is that node.</summary>
internal sealed record SeenEvent(string Reporter, long Seq, DateTimeOffset Time, string Kind, string? Node, string? Group, string Message, string Source);

/// <summary>
/// Responsible for collecting every node's events while the demo runs: one long poll per node on
/// <c>GET /v1/events?after=SEQ&amp;wait=1</c>, which answers as soon as the node records an event. An agent that
/// cannot be reached is asked again every <see cref="RetryDelay"/>; when it answers again it may have restarted
/// (its numbering starts over), so its events are read from the start again and duplicates dropped. The times
/// are the agents' own (the same clock as the demo's: one machine), so polling delays do not skew them.
/// </summary>
internal sealed class EventFeed(DemoLayout layout, HttpClient http)
{
    /// <summary>Events kept; a demo run records a few hundred.</summary>
    public const int MaxEvents = 10_000;

    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private readonly List<SeenEvent> events = [];
    private readonly HashSet<(string, long, DateTimeOffset)> seen = [];

    /// <summary>Polls every node until <paramref name="cancel"/> fires.</summary>
    public Task RunAsync(CancellationToken cancel) => Task.WhenAll(DemoLayout.Nodes.Select(node => FollowAsync(node, cancel)));

    /// <summary>The first event (in the reporters' time order) matching <paramref name="match"/>, or null.</summary>
    public SeenEvent? First(Func<SeenEvent, bool> match)
    {
        lock (gate) return events.Where(match).MinBy(e => e.Time);
    }

    private async Task FollowAsync(string node, CancellationToken cancel)
    {
        long after = 0;
        var reachable = true;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                deadline.CancelAfter(RequestTimeout);
                var url = new Uri(layout.Api(node), string.Create(CultureInfo.InvariantCulture, $"v1/events?after={after}&limit=500&wait=1"));
                using var response = await http.GetAsync(url, deadline.Token);
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline.Token));
                if (!reachable) after = 0; // it may have restarted: read again from its first event
                reachable = true;
                var root = body.RootElement;
                if (root.GetProperty("last_seq").GetInt64() < after) after = 0;
                foreach (var e in root.GetProperty("events").EnumerateArray())
                {
                    Add(node, e);
                    after = Math.Max(after, e.GetProperty("seq").GetInt64());
                }
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or KeyNotFoundException
                                       || (e is OperationCanceledException && !cancel.IsCancellationRequested))
            {
                // Down (killed by the demo, or not started yet) or busy: ask again shortly.
                reachable = false;
                await Delay(RetryDelay, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private void Add(string reporter, JsonElement e)
    {
        var item = new SeenEvent(reporter, e.GetProperty("seq").GetInt64(), e.GetProperty("time").GetDateTimeOffset(), e.GetProperty("kind").GetString() ?? "",
            Text(e, "node"), Text(e, "group"), Text(e, "message") ?? "", Text(e, "source") ?? "");
        lock (gate)
        {
            if (!seen.Add((reporter, item.Seq, item.Time))) return;
            events.Add(item);
            if (events.Count <= MaxEvents) return;
            seen.Remove((events[0].Reporter, events[0].Seq, events[0].Time));
            events.RemoveAt(0);
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task Delay(TimeSpan delay, CancellationToken cancel)
    {
        try
        {
            await Task.Delay(delay, cancel);
        }
        catch (OperationCanceledException)
        {
            // The loop ends at its next check.
        }
    }
}
