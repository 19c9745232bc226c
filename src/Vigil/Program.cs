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
        return root.Parse(args).Invoke();
    }
}
