using System.CommandLine;
using System.Text;
using Vigil.Cli.Commands;

namespace Vigil.Cli;

/// <summary>The 'vigil' executable. Each command registers with one line below.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var root = new RootCommand("Vigil: a high-availability cluster manager.");
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(AgentCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(KeygenCommand.Create());
        foreach (var admin in AdminCommands.Create()) root.Subcommands.Add(admin);
        root.Subcommands.Add(EventsCommand.Create());
        root.Subcommands.Add(IpCommand.Create());
        foreach (var demo in DemoCommand.Create()) root.Subcommands.Add(demo);
        return root.Parse(args).Invoke();
    }
}
