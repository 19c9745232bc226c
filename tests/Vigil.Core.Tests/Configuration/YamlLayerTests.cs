using Vigil.Core.Configuration.Yaml;

namespace Vigil.Core.Tests.Configuration;

public class YamlLayerTests
{
    private static readonly string[] Keys = ["name", "count", "enabled", "every", "items"];

    private static (YamlMap? Map, ProblemList Problems) Open(string yaml)
    {
        var problems = new ProblemList("s.yaml");
        var root = YamlText.Parse(yaml, problems);
        return (root is null ? null : YamlMap.Open(root, "scenario", problems, Keys), problems);
    }

    [Fact]
    public void ReadsTypedValuesAndKeepsGoingAfterErrors()
    {
        var (map, problems) = Open("name: x\ncount: many\nenabled: true\nevery: 2s\nitems: [a, b]\n");
        Assert.Equal("x", map!.String("name"));
        Assert.Null(map.Int("count"));
        Assert.True(map.Bool("enabled"));
        Assert.Equal(TimeSpan.FromSeconds(2), map.Duration("every"));
        Assert.Equal(["a", "b"], map.StringList("items")!.Select(i => i.Value));
        var problem = Assert.Single(problems.InFileOrder());
        Assert.Equal("s.yaml:2:8: expected a number for scenario.count, got 'many'", problem.ToString());
    }

    [Fact]
    public void UnknownKeySuggestsTheClosestKnownOne()
    {
        var (_, problems) = Open("name: x\ncuont: 3\n");
        Assert.Equal("s.yaml:2:1: unknown key 'cuont' in scenario; did you mean 'count'?", Assert.Single(problems.InFileOrder()).ToString());
    }

    [Fact]
    public void UnknownKeyWithNothingCloseListsTheKnownKeys()
    {
        var (_, problems) = Open("zzzzzz: 1\n");
        Assert.Contains("known keys: name, count, enabled, every, items", Assert.Single(problems.InFileOrder()).Message);
    }

    [Fact]
    public void MissingRequiredKeyIsReportedAtTheMapping()
    {
        var (map, problems) = Open("count: 1\n");
        Assert.Null(map!.String("name", required: true));
        Assert.Equal("s.yaml:1:1: missing required key 'name' in scenario", Assert.Single(problems.InFileOrder()).ToString());
    }

    [Fact]
    public void SyntaxErrorIsLocatedAndNotThrown()
    {
        var (map, problems) = Open("name: [a, b\ncount: 1\n");
        Assert.Null(map);
        var problem = Assert.Single(problems.InFileOrder());
        Assert.StartsWith("syntax error: ", problem.Message);
        Assert.DoesNotContain("Line:", problem.Message);
    }

    [Theory]
    [InlineData("heartbeat_intervall", "heartbeat_interval")]
    [InlineData("nodez", "nodes")]
    [InlineData("completely_different", null)]
    public void DidYouMeanUsesASmallEditDistance(string word, string? expected) =>
        Assert.Equal(expected, DidYouMean.Closest(word, ["heartbeat_interval", "nodes", "networks"]));
}
