using Vigil.Core.Configuration;

namespace Vigil.Core.Tests.Configuration;

/// <summary>A small valid configuration to extend, and assertions on located problems.</summary>
internal static class ConfigTestHelper
{
    /// <summary>Five lines; text appended with <see cref="With"/> starts on line 6.</summary>
    public const string Base =
        """
        cluster: { name: c, id: 1 }
        networks: [ { name: net }, { name: backup } ]
        nodes:
          - { name: n1, addresses: { net: 10.0.0.1:7400 } }
          - { name: n2, addresses: { net: 10.0.0.2:7400 } }

        """;

    public static string With(string extra) => Base + extra;

    public static IReadOnlyList<ConfigProblem> Problems(string yaml) => ConfigLoader.Load(yaml, "test.yaml").Problems;

    /// <summary>Asserts exactly one problem, containing <paramref name="text"/>, at line:column.</summary>
    public static ConfigProblem Single(string yaml, string text, int line, int column)
    {
        var problems = Problems(yaml);
        var problem = Assert.Single(problems);
        Assert.Contains(text, problem.Message);
        Assert.Equal((line, column), (problem.Line, problem.Column));
        return problem;
    }

    public static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException(relative);
    }
}
