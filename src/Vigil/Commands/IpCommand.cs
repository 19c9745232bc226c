using System.CommandLine;
using System.Text.Json;

namespace Vigil.Cli.Commands;

/// <summary>
/// `vigil ip` (lkipbu's and CIP's role) against one node's API: `status [--json]` shows its interface groups
/// (interfaces with flags, home and visiting addresses, probe targets and results); `backup add|remove RESOURCE
/// INTERFACE`, `move RESOURCE` (to its backup, verified before it is recorded) and `switch GROUP|RESOURCE`
/// (visiting addresses go home) change them. One line per answer; exit 1 when refused, 2 when no agent answered.
/// </summary>
public static class IpCommand
{
    public static Command Create()
    {
        var ip = new Command("ip", "Interface groups and floating addresses on one node (lkipbu, CIP SWITCH).");
        ip.Subcommands.Add(Status());
        var backup = new Command("backup", "The backup interface of an ip_address resource (one at most).");
        backup.Subcommands.Add(AdminCommands.Admin("ip backup", "add", "Give RESOURCE a backup INTERFACE.", ["resource", "interface"],
            a => ("v1/ip/backup", Json(new { resource = a[0], @interface = a[1], action = "add" }))));
        backup.Subcommands.Add(AdminCommands.Admin("ip backup", "remove", "Remove RESOURCE's backup INTERFACE.", ["resource", "interface"],
            a => ("v1/ip/backup", Json(new { resource = a[0], @interface = a[1], action = "remove" }))));
        ip.Subcommands.Add(backup);
        ip.Subcommands.Add(AdminCommands.Admin("ip", "move", "Move RESOURCE's address to its backup interface (checked by ICMP/ARP before it counts).",
            ["resource"], a => ("v1/ip/move", Json(new { resource = a[0] }))));
        ip.Subcommands.Add(AdminCommands.Admin("ip", "switch", "Send visiting addresses home: all of interface GROUP, or one RESOURCE.",
            ["target"], a => ("v1/ip/switch", Json(new { target = a[0] }))));
        return ip;
    }

    private static Command Status()
    {
        var command = new Command("status", "Interface groups of the node: interfaces, addresses (home or visiting), probes.");
        var (config, node, api) = (AgentClient.ConfigOption(), AgentClient.NodeOption(), AgentClient.ApiOption());
        var json = new Option<bool>("--json") { Description = "Print the API's JSON." };
        foreach (var option in new Option[] { config, node, api, json }) command.Options.Add(option);
        command.SetAction(parse => RunStatus(parse.GetValue(config), parse.GetValue(node), parse.GetValue(api), parse.GetValue(json), Console.Out, Console.Error));
        return command;
    }

    internal static int RunStatus(FileInfo? config, string? node, string? api, bool json, TextWriter stdout, TextWriter stderr) =>
        StatusCommand.Show("vigil ip status", "v1/ip", IpStatusTable.Write, config, node, api, json, stdout, stderr);

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
