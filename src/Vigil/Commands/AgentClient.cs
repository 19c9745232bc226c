using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Cli.Agent;
using Vigil.Core.Configuration;

namespace Vigil.Cli.Commands;

/// <summary>
/// How client commands find a node's API: --api HOST:PORT, or --config FILE with --node NAME (the node's `api`
/// address), or --config FILE alone (every node's API in turn, first that answers). Calls that change the cluster
/// send the node's API token: --token-file FILE, else $VIGIL_TOKEN_FILE, else (with --config) the node's default
/// data dir's api.token (CONFIG_DIR/data/NODE/api.token). Errors are one line.
/// </summary>
internal sealed class AgentClient(IReadOnlyList<(string Name, Uri Base, string? TokenFile)> targets)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static Option<FileInfo?> ConfigOption() => new("--config") { Description = "The cluster configuration file (to find the node's API address)." };

    public static Option<string?> NodeOption() => new("--node") { Description = "The node whose API to ask." };

    public static Option<string?> ApiOption() => new("--api") { Description = "The API address HOST:PORT (instead of --config/--node)." };

    public static Option<FileInfo?> TokenOption() => new("--token-file") { Description = "The agent's API token file (default: the node's data dir api.token, or $VIGIL_TOKEN_FILE)." };

    /// <summary>The client, or null and a reason.</summary>
    public static (AgentClient? Client, string? Error) From(FileInfo? configFile, string? node, string? api, FileInfo? tokenFile = null)
    {
        var explicitToken = tokenFile?.FullName
            ?? (Environment.GetEnvironmentVariable("VIGIL_TOKEN_FILE") is { Length: > 0 } fromEnv ? Path.GetFullPath(fromEnv) : null);
        if (api is not null)
            return AddressParser.TryParseEndpoint(api, out var endpoint)
                ? (new AgentClient([(api, BaseOf(endpoint!), explicitToken)]), null)
                : (null, $"--api: '{api}' is not HOST:PORT");
        if (configFile is null) return (null, "say which agent to ask: --config FILE [--node NAME], or --api HOST:PORT");
        var loaded = InputFile.LoadConfig(configFile.ToString());
        if (loaded.Config is not { } config)
            return (null, $"{configFile}: " + string.Join("; ", loaded.Problems.Select(InputFile.Format)));
        var nodes = node is null ? config.Nodes : config.HasNode(node) ? [config.Node(node)] : [];
        if (nodes.Count == 0) return (null, $"{configFile}: no node named '{node}'");
        var configDir = Path.GetDirectoryName(configFile.FullName) ?? ".";
        var targets = nodes.Where(n => n.Api is not null)
            .Select(n => (n.Name, BaseOf(Endpoint(n.Api!)), (string?)(explicitToken ?? Path.Combine(configDir, "data", n.Name, "api.token")))).ToList();
        if (targets.Count == 0) return (null, $"{configFile}: {(node is null ? "no node has" : node + " has no")} 'api' address");
        return (new AgentClient(targets), null);
    }

    public async Task<(HttpStatusCode? Status, JsonDocument? Body, string? Error)> GetAsync(string path, TimeSpan? timeout = null) =>
        await SendAsync(c => c.GetAsync(path), authorized: false, timeout);

    /// <summary>A call that changes the cluster: carries the node's API token.</summary>
    public async Task<(HttpStatusCode? Status, JsonDocument? Body, string? Error)> PostAsync(string path, string body) =>
        await SendAsync(c => c.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json")), authorized: true, null);

    private async Task<(HttpStatusCode?, JsonDocument?, string?)> SendAsync(Func<HttpClient, Task<HttpResponseMessage>> call, bool authorized, TimeSpan? timeout)
    {
        var errors = new List<string>();
        foreach (var (name, baseUri, tokenFile) in targets)
        {
            using var client = new HttpClient { BaseAddress = baseUri, Timeout = timeout ?? Timeout };
            string? tokenError = null;
            if (authorized)
            {
                // Without a readable token the call still goes out: an unreachable agent is the clearer message.
                if (ReadToken(name, tokenFile, out tokenError) is { } token)
                    client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }
            try
            {
                using var response = await call(client);
                if (response.StatusCode == HttpStatusCode.Unauthorized && tokenError is not null)
                    return (response.StatusCode, null, tokenError);
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

    private static string? ReadToken(string node, string? tokenFile, out string? error)
    {
        error = null;
        if (tokenFile is null)
        {
            error = $"{node}: this call needs the agent's API token: pass --token-file FILE (api.token in the node's data dir)";
            return null;
        }
        try
        {
            return File.ReadAllText(tokenFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{node}: cannot read the API token {tokenFile}: {e.Message} (run as the agent's user, or pass --token-file)";
            return null;
        }
    }

    private static IPEndPoint Endpoint(string text) => AddressParser.TryParseEndpoint(text, out var e) ? e! : throw new FormatException(text);

    private static Uri BaseOf(IPEndPoint endpoint) => new($"http://{endpoint}/");

    internal static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };
}
