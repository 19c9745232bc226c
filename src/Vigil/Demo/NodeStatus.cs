using System.Text.Json;

namespace Vigil.Cli.Demo;

/// <summary>Reads one node's <c>GET /v1/status</c> (null when it does not answer in time) and the facts the demo needs from it.</summary>
internal static class NodeStatus
{
    public static async Task<JsonElement?> GetAsync(HttpClient http, Uri api, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync(new Uri(api, "v1/status"), deadline.Token);
            if (!response.IsSuccessStatusCode) return null;
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline.Token));
            return body.RootElement.Clone();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !cancel.IsCancellationRequested))
        {
            return null;
        }
    }

    public static string? Leader(JsonElement status) =>
        status.TryGetProperty("leader", out var leader) && leader.ValueKind == JsonValueKind.String ? leader.GetString() : null;

    /// <summary>(state, node) of the group as this status shows it; (null, null) if it does not list the group.</summary>
    public static (string? State, string? Node) Group(JsonElement status, string group)
    {
        if (!status.TryGetProperty("groups", out var groups) || groups.ValueKind != JsonValueKind.Array) return (null, null);
        foreach (var g in groups.EnumerateArray())
        {
            if (g.GetProperty("name").GetString() != group) continue;
            var node = g.TryGetProperty("node", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            return (g.TryGetProperty("state", out var s) ? s.GetString() : null, node);
        }
        return (null, null);
    }
}
