using System.CommandLine;
using System.Text.Json;

namespace Vigil.Cli.Commands;

/// <summary>'vigil status [--json]': leader, term, quorum, nodes with per-network heartbeat state, groups.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var (config, node, api) = (AgentClient.ConfigOption(), AgentClient.NodeOption(), AgentClient.ApiOption());
        var json = new Option<bool>("--json") { Description = "Print the status as JSON." };
        var command = new Command("status", "Show the cluster as one node's agent sees it.");
        foreach (var option in new Option[] { config, node, api, json }) command.Options.Add(option);
        command.SetAction(parse => Run(parse.GetValue(config), parse.GetValue(node), parse.GetValue(api), parse.GetValue(json), Console.Out, Console.Error));
        return command;
    }

    public static int Run(FileInfo? config, string? node, string? api, bool json, TextWriter stdout, TextWriter stderr)
    {
        var (client, error) = AgentClient.From(config, node, api);
        if (client is null)
        {
            stderr.WriteLine("vigil status: " + error);
            return 2;
        }
        var (status, body, failure) = client.GetAsync("v1/status").GetAwaiter().GetResult();
        if (body is null || status != System.Net.HttpStatusCode.OK)
        {
            stderr.WriteLine("vigil status: " + (failure ?? ErrorOf(body) ?? $"agent answered {(int?)status}"));
            return 1;
        }
        using (body)
        {
            if (json) stdout.WriteLine(body.RootElement.GetRawText());
            else StatusTable.Write(body.RootElement, stdout);
        }
        return 0;
    }

    internal static string? ErrorOf(JsonDocument? body) =>
        body?.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("error", out var e) ? e.GetString()
        : body?.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("message", out var m) ? m.GetString()
        : null;
}
