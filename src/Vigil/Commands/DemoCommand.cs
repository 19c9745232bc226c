using System.CommandLine;
using Vigil.Cli.Demo;

namespace Vigil.Cli.Commands;

/// <summary>
/// 'vigil demo [--headless] [--keep-dir] [--json]': a three-node cluster on loopback in a temporary directory,
/// a failover after SIGKILL of the active node with measured times, the node's rejoin and the group's return;
/// leaves nothing behind. See docs/demo.md. Comes with the hidden 'vigil demo-http' (<see cref="DemoHttpCommand"/>),
/// the service the demo keeps available.
/// </summary>
public static class DemoCommand
{
    /// <summary>'demo' and the hidden 'demo-http'.</summary>
    public static IEnumerable<Command> Create() => [Demo(), DemoHttpCommand.Create()];

    private static Command Demo()
    {
        var headless = new Option<bool>("--headless") { Description = "No live screen: progress lines, then the timeline (exit 0 when every step happened)." };
        var keepDir = new Option<bool>("--keep-dir") { Description = "Keep the temporary directory (configuration, agent logs, data dirs)." };
        var json = new Option<bool>("--json") { Description = "Print the measured figures as one JSON object on stdout (the rest goes to stderr)." };
        var command = new Command("demo", "Run a three-node cluster on this machine, kill the active node and show the failover with measured times.");
        foreach (var option in new Option[] { headless, keepDir, json }) command.Options.Add(option);
        command.SetAction((parse, cancel) => DemoRunner.RunAsync(
            new DemoOptions(parse.GetValue(headless), parse.GetValue(keepDir), parse.GetValue(json)), Console.Out, Console.Error, cancel));
        return command;
    }
}
