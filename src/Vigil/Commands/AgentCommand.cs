using System.CommandLine;
using Vigil.Cli.Agent;

namespace Vigil.Cli.Commands;

/// <summary>'vigil agent --config FILE --node NAME [--data-dir DIR]': runs one node in the foreground.</summary>
public static class AgentCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The cluster configuration file (YAML).", Required = true };
        var node = new Option<string>("--node") { Description = "This node's name in the configuration.", Required = true };
        var dataDir = new Option<DirectoryInfo?>("--data-dir") { Description = "Where this node keeps its Raft log and state (default: data/NODE beside the config file)." };
        var command = new Command("agent", "Run one node of the cluster (foreground; logs to stderr; stops on SIGTERM or Ctrl-C).");
        command.Options.Add(config);
        command.Options.Add(node);
        command.Options.Add(dataDir);
        command.SetAction(parse => AgentRunner.Run(parse.GetValue(config)!.ToString(), parse.GetValue(node)!, parse.GetValue(dataDir)?.ToString()));
        return command;
    }
}
