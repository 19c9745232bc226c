using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vigil.Cli.Agent.Execution;
using Vigil.Cli.Agent.Execution.Ocf;
using Vigil.Core.Configuration;

namespace Vigil.Cli.Commands;

/// <summary>
/// 'vigil validate FILE [--json]': checks a cluster configuration and reports every problem as
/// FILE:LINE:COLUMN: message on stderr (exit 1), or a one-line summary on stdout (exit 0). A valid configuration's
/// OCF resources are then checked against their agents' meta-data on this host (<see cref="AgentTypeCheck"/>): a
/// missing required or unknown param is a problem; an agent not installed here is only a warning on stderr, since
/// the validating host need not be a cluster node (docs/resources.md "OCF agents").
/// </summary>
public static class ValidateCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The cluster configuration file (YAML)." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON on stdout." };
        var command = new Command("validate", "Check a cluster configuration file and report every problem in it.");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(json), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Validates <paramref name="file"/>; returns the exit code (0 valid, 1 not).</summary>
    public static int Run(FileInfo file, bool json, TextWriter stdout, TextWriter stderr)
    {
        var name = file.ToString();
        try
        {
            var (text, error) = InputFile.Read(file.FullName);
            if (text is null)
                return Report(name, [new ConfigProblem(name, 0, 0, "cannot read: " + error)], [], json, stdout, stderr);
            var result = ConfigLoader.Load(text, name);
            var agents = result.Config is { } loaded ? ConfigHostCheck.Run(loaded, name, text, agents: true) : AgentTypeFindings.None;
            IReadOnlyList<ConfigProblem> problems = [.. result.Problems, .. agents.Errors];
            if (json || problems.Count > 0) return Report(name, problems, agents.Warnings, json, stdout, stderr);
            foreach (var warning in agents.Warnings) stderr.WriteLine(Warning(warning));
            stdout.WriteLine(Summary(result.Config!));
            return 0;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"{name}: internal error: {e.Message}");
            return 1;
        }
    }

    /// <summary>"web-cluster: valid — 3 nodes, 4 resources in 1 group, 1 policy".</summary>
    public static string Summary(ClusterConfig config) =>
        $"{config.Cluster.Name}: valid — {Count(config.Nodes.Count, "node", "nodes")}, " +
        $"{Count(config.Resources.Count, "resource", "resources")} in {Count(config.ResourceGroups.Count, "group", "groups")}, " +
        $"{Count(config.FailoverPolicies.Count, "policy", "policies")}";

    private static int Report(string name, IReadOnlyList<ConfigProblem> problems, IReadOnlyList<ConfigProblem> warnings, bool json,
        TextWriter stdout, TextWriter stderr)
    {
        if (json) stdout.WriteLine(ToJson(name, problems, warnings));
        else
        {
            foreach (var p in problems)
                stderr.WriteLine(p.Line == 0 ? $"{p.File}: {p.Message}" : p.ToString());
            foreach (var w in warnings) stderr.WriteLine(Warning(w));
        }
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>FILE:LINE:COLUMN: warning: message.</summary>
    private static string Warning(ConfigProblem w) => (w with { Message = "warning: " + w.Message }).ToString();

    private static string ToJson(string name, IReadOnlyList<ConfigProblem> problems, IReadOnlyList<ConfigProblem> warnings) =>
        JsonSerializer.Serialize(new JsonResult(name, problems.Count == 0, problems, warnings), JsonOptions);

    private static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";

    private sealed record JsonResult(string File, bool Valid, IReadOnlyList<ConfigProblem> Problems, IReadOnlyList<ConfigProblem> Warnings);
}
