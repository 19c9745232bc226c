using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Vigil.Core.Configuration;
using Vigil.Simulation.Testing;

namespace Vigil.Simulation.Tests;

/// <summary>
/// The simulated cluster bootstraps from the YAML <see cref="ConfigYaml"/> writes (ConfigCommitted(1, text)), so
/// that text must load back, through <see cref="ConfigLoader"/>, to the configuration it was written from.
/// </summary>
public sealed class ConfigYamlTests
{
    public static TheoryData<string> ConfigNames()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in TestConfigs.All()) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(ConfigNames))]
    public void The_written_yaml_loads_back_to_an_equivalent_config(string name)
    {
        var config = TestConfigs.All().Single(c => c.Name == name).Config;
        var yaml = ConfigYaml.Write(config);
        var loaded = ConfigLoader.Load(yaml, name + ".yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems) + "\n" + yaml);
        var expected = Canonical(config);
        Assert.Contains("\"MonitorInterval\"", expected, StringComparison.Ordinal); // the comparison sees the whole model
        Assert.Equal(expected, Canonical(loaded.Config!));
        Assert.Equal(yaml, ConfigYaml.Write(loaded.Config!));
    }

    [Fact]
    public void Every_field_the_builder_leaves_at_its_default_is_written_too()
    {
        // A config whose values differ from the parser's defaults: a lost field would load back as the default.
        var config = new ConfigBuilder("odd-cluster").Timing(TimeSpan.FromMilliseconds(250.5), 7)
            .Mode(ClusterMode.LoadSharing).NoQuorum(NoQuorumAction.Freeze)
            .ResourceType("svc", TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(3), hasRestart: false)
            .Servers("a", "b").Witness("w").Tiebreaker("b")
            .CriticalDevice("uplink")
            .Policy("p", ["b", "a"], FailoverScriptKind.RoundRobin, FailbackMode.Controlled, RecoveryMode.InPlace)
            .Group("g", "p", 3, ("r1", "svc"), ("r2", "svc"))
            .Build();
        var loaded = ConfigLoader.Load(ConfigYaml.Write(config), "odd.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));
        Assert.Equal(Canonical(config), Canonical(loaded.Config!));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Every public property, as JSON with object keys sorted (dictionary order is not part of the model).</summary>
    private static string Canonical(ClusterConfig config) =>
        Sorted(JsonSerializer.SerializeToNode(config, JsonOptions))?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value?.DeepClone())))),
        JsonArray a => new JsonArray([.. a.Select(item => Sorted(item?.DeepClone()))]),
        _ => node?.DeepClone(),
    };
}
