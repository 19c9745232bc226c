using System.CommandLine;
using System.Net;
using System.Text.Json;

namespace Vigil.Cli.Commands;

/// <summary>
/// The operator's commands that change the cluster, each a POST to a node's API with its token:
/// `vigil group move GROUP NODE`, `vigil group failback GROUP`, `vigil node standby|online|maintenance NODE`,
/// `vigil resource cleanup RESOURCE [--on NODE]`, `vigil fence NODE`. Each prints one line: what was accepted
/// (exit 0), or why not (exit 1; 2 when no agent could be asked).
/// </summary>
public static class AdminCommands
{
    public static IEnumerable<Command> Create()
    {
        var group = new Command("group", "Move a resource group, or send it back to its preferred node.");
        group.Subcommands.Add(Admin("group", "move", "Move GROUP to NODE (it stays preferred there until 'group failback').", ["group", "node"],
            a => ($"v1/groups/{Uri.EscapeDataString(a[0])}/move", Json(new { node = a[1] }))));
        group.Subcommands.Add(Admin("group", "failback", "Forget a move: GROUP goes to the best node of its failover domain.", ["group"],
            a => ($"v1/groups/{Uri.EscapeDataString(a[0])}/failback", "")));
        var node = new Command("node", "Change a node's admin state.");
        foreach (var (state, what) in new[]
        {
            ("standby", "NODE hosts nothing: its groups move away."),
            ("online", "NODE may host groups again."),
            ("maintenance", "Leave NODE's resources alone: no starts, stops or monitors there."),
        })
            node.Subcommands.Add(Admin("node", state, what, ["node"], a => ($"v1/nodes/{Uri.EscapeDataString(a[0])}/admin", Json(new { state }))));
        var resource = new Command("resource", "Resource housekeeping.");
        var on = new Option<string?>("--on") { Description = "Clear the failure count on this node only." };
        resource.Subcommands.Add(Admin("resource", "cleanup", "Clear the failure counts of RESOURCE's group (so it may run again where it failed).", ["resource"],
            a => ($"v1/resources/{Uri.EscapeDataString(a[0])}/cleanup", a.Length > 1 && a[1] is { Length: > 0 } n ? Json(new { node = n }) : ""), on));
        var fence = Admin(null, "fence", "Fence NODE now through its fence device (its groups move once that succeeded).", ["node"],
            a => ($"v1/nodes/{Uri.EscapeDataString(a[0])}/fence", ""));
        return [group, node, resource, fence];
    }

    /// <summary>A command that POSTs to a node's API with its token and prints the one-line answer (`vigil PARENT NAME ARGS`).</summary>
    internal static Command Admin(string? parent, string name, string description, string[] arguments, Func<string[], (string Path, string Body)> request, Option<string?>? extra = null)
    {
        var command = new Command(name, description);
        var args = arguments.Select(a => new Argument<string>(a) { Description = a.ToUpperInvariant() }).ToList();
        foreach (var a in args) command.Arguments.Add(a);
        var (config, node, api, token) = (AgentClient.ConfigOption(), AgentClient.NodeOption(), AgentClient.ApiOption(), AgentClient.TokenOption());
        foreach (var option in new Option[] { config, node, api, token }) command.Options.Add(option);
        if (extra is not null) command.Options.Add(extra);
        command.SetAction(parse =>
        {
            var values = args.Select(a => parse.GetValue(a)!).ToList();
            if (extra is not null) values.Add(parse.GetValue(extra) ?? "");
            var (path, body) = request([.. values]);
            return Run(parent is null ? $"vigil {name}" : $"vigil {parent} {name}", path, body, parse.GetValue(config), parse.GetValue(node), parse.GetValue(api), parse.GetValue(token), Console.Out, Console.Error);
        });
        return command;
    }

    internal static int Run(string what, string path, string body, FileInfo? config, string? node, string? api, FileInfo? token, TextWriter stdout, TextWriter stderr)
    {
        var (client, error) = AgentClient.From(config, node, api, token);
        if (client is null)
        {
            stderr.WriteLine($"{what}: {error}");
            return 2;
        }
        var (status, answer, failure) = client.PostAsync(path, body).GetAwaiter().GetResult();
        using (answer)
        {
            if (status == HttpStatusCode.OK)
            {
                stdout.WriteLine(StatusCommand.ErrorOf(answer) ?? "done");
                return 0;
            }
            stderr.WriteLine($"{what}: " + (failure ?? StatusCommand.ErrorOf(answer) ?? $"the agent answered {(int?)status}"));
            return status is null ? 2 : 1;
        }
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
