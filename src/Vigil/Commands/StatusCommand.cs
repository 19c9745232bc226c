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
        var watch = new Option<bool>("--watch", "-w") { Description = "Redraw the status every second until Ctrl-C." };
        var command = new Command("status", "Show the cluster as one node's agent sees it.");
        foreach (var option in new Option[] { config, node, api, json, watch }) command.Options.Add(option);
        command.SetAction((parse, cancel) => parse.GetValue(watch)
            ? WatchAsync(parse.GetValue(config), parse.GetValue(node), parse.GetValue(api), parse.GetValue(json), Console.Out, Console.Error, cancel)
            : Task.FromResult(Run(parse.GetValue(config), parse.GetValue(node), parse.GetValue(api), parse.GetValue(json), Console.Out, Console.Error)));
        return command;
    }

    /// <summary>Redraws every second (clearing the screen on a terminal); an unreachable agent is shown, not fatal.</summary>
    public static async Task<int> WatchAsync(FileInfo? config, string? node, string? api, bool json, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var (client, error) = AgentClient.From(config, node, api);
        if (client is null)
        {
            stderr.WriteLine("vigil status: " + error);
            return 2;
        }
        while (!cancel.IsCancellationRequested)
        {
            var (status, body, failure) = await client.GetAsync("v1/status");
            var frame = new StringWriter();
            using (body)
            {
                if (body is null || status != System.Net.HttpStatusCode.OK)
                    frame.WriteLine($"{DateTime.Now:HH:mm:ss} vigil status: " + (failure ?? ErrorOf(body) ?? $"agent answered {(int?)status}"));
                else if (json)
                    frame.WriteLine(body.RootElement.GetRawText());
                else
                    StatusTable.Write(body.RootElement, frame);
            }
            if (!json && !Console.IsOutputRedirected) stdout.Write("\u001b[H\u001b[2J");
            stdout.Write(frame.ToString());
            stdout.Flush();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancel);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return 0;
    }

    public static int Run(FileInfo? config, string? node, string? api, bool json, TextWriter stdout, TextWriter stderr) =>
        Show("vigil status", "v1/status", StatusTable.Write, config, node, api, json, stdout, stderr);

    /// <summary>GETs <paramref name="path"/> from a node's API and prints its JSON, or <paramref name="table"/>'s text; exit 1 when the agent refused, 2 when none answered.</summary>
    internal static int Show(string what, string path, Action<JsonElement, TextWriter> table, FileInfo? config, string? node, string? api,
        bool json, TextWriter stdout, TextWriter stderr)
    {
        var (client, error) = AgentClient.From(config, node, api);
        if (client is null)
        {
            stderr.WriteLine($"{what}: " + error);
            return 2;
        }
        var (status, body, failure) = client.GetAsync(path).GetAwaiter().GetResult();
        if (body is null || status != System.Net.HttpStatusCode.OK)
        {
            stderr.WriteLine($"{what}: " + (failure ?? ErrorOf(body) ?? $"agent answered {(int?)status}"));
            return status is null ? 2 : 1;
        }
        using (body)
        {
            if (json) stdout.WriteLine(body.RootElement.GetRawText());
            else table(body.RootElement, stdout);
        }
        return 0;
    }

    internal static string? ErrorOf(JsonDocument? body) =>
        body?.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("error", out var e) ? e.GetString()
        : body?.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("message", out var m) ? m.GetString()
        : null;
}
