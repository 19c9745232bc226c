using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Cli.Agent;
using Vigil.Core.Configuration;

namespace Vigil.Cli.Commands;

/// <summary>
/// How client commands find a node's API: --api HOST:PORT, or --config FILE with --node NAME (the node's `api`
/// address), or --config FILE alone (every node's API in turn, first that answers). Errors are one line.
/// </summary>
internal sealed class AgentClient(IReadOnlyList<(string Name, Uri Base)> targets)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static Option<FileInfo?> ConfigOption() => new("--config") { Description = "The cluster configuration file (to find the node's API address)." };

    public static Option<string?> NodeOption() => new("--node") { Description = "The node whose API to ask." };

    public static Option<string?> ApiOption() => new("--api") { Description = "The API address HOST:PORT (instead of --config/--node)." };

    /// <summary>The client, or null and a reason.</summary>
    public static (AgentClient? Client, string? Error) From(FileInfo? configFile, string? node, string? api)
    {
        if (api is not null)
            return AddressParser.TryParseEndpoint(api, out var endpoint)
                ? (new AgentClient([(api, BaseOf(endpoint!))]), null)
                : (null, $"--api: '{api}' is not HOST:PORT");
        if (configFile is null) return (null, "say which agent to ask: --config FILE [--node NAME], or --api HOST:PORT");
        var loaded = InputFile.LoadConfig(configFile.ToString());
        if (loaded.Config is not { } config)
            return (null, $"{configFile}: " + string.Join("; ", loaded.Problems.Select(InputFile.Format)));
        var nodes = node is null ? config.Nodes : config.HasNode(node) ? [config.Node(node)] : [];
        if (nodes.Count == 0) return (null, $"{configFile}: no node named '{node}'");
        var targets = nodes.Where(n => n.Api is not null).Select(n => (n.Name, BaseOf(Endpoint(n.Api!)))).ToList();
        if (targets.Count == 0) return (null, $"{configFile}: {(node is null ? "no node has" : node + " has no")} 'api' address");
        return (new AgentClient(targets), null);
    }

    public async Task<(HttpStatusCode? Status, JsonDocument? Body, string? Error)> GetAsync(string path) =>
        await SendAsync(c => c.GetAsync(path));

    public async Task<(HttpStatusCode? Status, JsonDocument? Body, string? Error)> PostAsync(string path, string body) =>
        await SendAsync(c => c.PostAsync(path, new StringContent(body)));

    private async Task<(HttpStatusCode?, JsonDocument?, string?)> SendAsync(Func<HttpClient, Task<HttpResponseMessage>> call)
    {
        var errors = new List<string>();
        foreach (var (name, baseUri) in targets)
        {
            using var client = new HttpClient { BaseAddress = baseUri, Timeout = Timeout };
            try
            {
                using var response = await call(client);
                var text = await response.Content.ReadAsStringAsync();
                try
                {
                    return (response.StatusCode, JsonDocument.Parse(text), null);
                }
                catch (JsonException)
                {
                    return (response.StatusCode, null, $"{name} answered {(int)response.StatusCode} without JSON");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                errors.Add($"{name} at {baseUri.Authority}: {(e is TaskCanceledException ? "timed out" : e.InnerException?.Message ?? e.Message)}");
            }
        }
        return (null, null, "no agent reachable (" + string.Join("; ", errors) + ")");
    }

    private static IPEndPoint Endpoint(string text) => AddressParser.TryParseEndpoint(text, out var e) ? e! : throw new FormatException(text);

    private static Uri BaseOf(IPEndPoint endpoint) => new($"http://{endpoint}/");

    internal static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };
}
