using System.Text.Json;

namespace Vigil.Cli.Tests;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("vigil-validate-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void ValidFilePrintsASummaryAndExitsZero()
    {
        var result = VigilProcess.Run("validate", VigilProcess.RepoFile("examples/full/cluster.yaml"));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("web-cluster: valid — 3 nodes, 4 resources in 2 groups, 2 policies", result.StdOut.Trim());
        Assert.Empty(result.StdErr);
    }

    [Fact]
    public void SummaryUsesSingularForOne()
    {
        var file = Write("one.yaml", """
            cluster: { name: tiny, id: 1 }
            networks: [ { name: net } ]
            nodes: [ { name: n1, addresses: { net: 10.0.0.1:7400 } } ]
            resources: [ { name: r, type: process, params: { command: "sleep 1000" } } ]
            failover_policies: [ { name: p, domain: [n1] } ]
            resource_groups: [ { name: g, resources: [r], policy: p } ]
            """);
        Assert.Equal("tiny: valid — 1 node, 1 resource in 1 group, 1 policy", VigilProcess.Run("validate", file).StdOut.Trim());
    }

    [Fact]
    public void TenMistakesGiveTenLocatedLinesOnStderr()
    {
        var file = VigilProcess.RepoFile("examples/invalid/ten-mistakes.yaml");
        var result = VigilProcess.Run("validate", file);
        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StdOut);
        Assert.Equal(10, result.StdErrLines.Length);
        Assert.All(result.StdErrLines, line => Assert.Matches(@"^.+ten-mistakes\.yaml:\d+:\d+: \S", line));
        Assert.Equal($"{file}:4:7: expected a number for cluster.id, got 'seven'", result.StdErrLines[0]);
        Assert.Contains(result.StdErrLines, l => l.EndsWith("did you mean 'heartbeat_interval'?", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingFileIsOneClearMessage()
    {
        var result = VigilProcess.Run(["validate", "missing.yaml"], dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["missing.yaml: cannot read: no such file"], result.StdErrLines);
    }

    [Fact]
    public void DirectoryIsOneClearMessage()
    {
        var result = VigilProcess.Run(["validate", "."], dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal([".: cannot read: it is a directory"], result.StdErrLines);
    }

    [Fact]
    public void SyntaxErrorIsLocatedWithoutAStackTrace()
    {
        var file = Write("broken.yaml", "cluster:\n  name: [a, b\n  id: 3\n");
        var result = VigilProcess.Run("validate", file);
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StdErrLines);
        Assert.Matches(@"broken\.yaml:\d+:\d+: syntax error: ", line);
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.DoesNotContain("Exception", result.StdErr);
    }

    [Fact]
    public void JsonReportsProblemsOnStdout()
    {
        var file = VigilProcess.RepoFile("examples/invalid/ten-mistakes.yaml");
        var result = VigilProcess.Run("validate", file, "--json");
        Assert.Equal(1, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.Equal(file, root.GetProperty("file").GetString());
        Assert.False(root.GetProperty("valid").GetBoolean());
        var problems = root.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(10, problems.Count);
        Assert.Equal(4, problems[0].GetProperty("line").GetInt32());
        Assert.Equal(7, problems[0].GetProperty("column").GetInt32());
        Assert.Equal(file, problems[0].GetProperty("file").GetString());
        Assert.Equal("expected a number for cluster.id, got 'seven'", problems[0].GetProperty("message").GetString());
    }

    [Fact]
    public void JsonForAValidFile()
    {
        var result = VigilProcess.Run("validate", VigilProcess.RepoFile("examples/full/cluster.yaml"), "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.True(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Empty(doc.RootElement.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public void JsonForAMissingFile()
    {
        var result = VigilProcess.Run(["validate", "missing.yaml", "--json"], dir);
        Assert.Equal(1, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var problem = Assert.Single(doc.RootElement.GetProperty("problems").EnumerateArray().ToList());
        Assert.Equal("cannot read: no such file", problem.GetProperty("message").GetString());
        Assert.Equal(0, problem.GetProperty("line").GetInt32());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
