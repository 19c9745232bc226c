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
        if (args is ["agent", ..])
        {
            Agent.NativeHeapTrim.Configure();
            // A long-running agent needs only its own command: the others' code (the simulator's test configurations,
            // the CLI clients) is then never loaded or compiled in it (docs/agent.md, Memory).
            root.Subcommands.Add(AgentCommand.Create());
            return root.Parse(args).Invoke();
        }
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
