using System.CommandLine;
using System.Net;

namespace Vigil.Cli.Commands;

/// <summary>
/// 'vigil config apply FILE [--node NAME | --api HOST:PORT]': validates FILE here, then has the cluster commit it
/// as the next configuration version through the leader. Without --node/--api the agents named in FILE are asked in turn.
/// </summary>
public static class ConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The new cluster configuration (YAML)." };
        var (node, api, token) = (AgentClient.NodeOption(), AgentClient.ApiOption(), AgentClient.TokenOption());
        var apply = new Command("apply", "Validate FILE and commit it as the cluster's next configuration version.");
        apply.Arguments.Add(file);
        apply.Options.Add(node);
        apply.Options.Add(api);
        apply.Options.Add(token);
        apply.SetAction(parse => Apply(parse.GetValue(file)!, parse.GetValue(node), parse.GetValue(api), Console.Out, Console.Error, parse.GetValue(token)));
        var command = new Command("config", "Cluster configuration versions.");
        command.Subcommands.Add(apply);
        return command;
    }

    public static int Apply(FileInfo file, string? node, string? api, TextWriter stdout, TextWriter stderr, FileInfo? token = null)
    {
        var loaded = InputFile.LoadConfig(file.ToString());
        if (loaded.Config is null)
        {
            foreach (var problem in loaded.Problems) stderr.WriteLine(InputFile.Format(problem));
            stderr.WriteLine($"vigil config apply: {file}: {loaded.Problems.Count} problem(s); nothing applied");
            return 1;
        }
        var text = File.ReadAllText(file.FullName);
        var host = Cli.Agent.Execution.ConfigHostCheck.Run(loaded.Config, file.ToString(), text, agents: true);
        foreach (var warning in host.Warnings) stderr.WriteLine((warning with { Message = "warning: " + warning.Message }).ToString());
        if (host.Errors.Count > 0)
        {
            foreach (var problem in host.Errors) stderr.WriteLine(InputFile.Format(problem));
            stderr.WriteLine($"vigil config apply: {file}: {host.Errors.Count} problem(s); nothing applied");
            return 1;
        }
        var (client, error) = AgentClient.From(api is null ? file : null, node, api, token);
        if (client is null)
        {
            stderr.WriteLine("vigil config apply: " + error);
            return 2;
        }
        var origin = Uri.EscapeDataString($"vigil config apply {file.Name}");
        var (status, body, failure) = client.PostAsync($"v1/config?origin={origin}", text).GetAwaiter().GetResult();
        using (body)
        {
            if (status == HttpStatusCode.OK)
            {
                stdout.WriteLine(StatusCommand.ErrorOf(body) ?? "applied");
                return 0;
            }
            stderr.WriteLine("vigil config apply: " + (failure ?? StatusCommand.ErrorOf(body) ?? $"agent answered {(int?)status}"));
            return status is null ? 2 : 1;
        }
    }
}
