using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Configuration.Yaml;

/// <summary>Builds the human-readable paths used in messages: "cluster.timing", "nodes[n1].fence".</summary>
public static class YamlPath
{
    public static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>"nodes[n1]" when the entry has a plain name, else "nodes[#3]" (1-based position).</summary>
    public static string Item(string listPath, YamlNode item, int index) =>
        NameOf(item) is { } name ? $"{listPath}[{name}]" : $"{listPath}[#{index + 1}]";

    /// <summary>How a path reads in a sentence: "cluster.id", or "the top level" for the root.</summary>
    public static string Describe(string path) => path.Length == 0 ? "the top level" : path;

    private static string? NameOf(YamlNode item) =>
        item is YamlMappingNode map
        && map.Children.TryGetValue(new YamlScalarNode("name"), out var value)
        && value is YamlScalarNode { Value: { Length: > 0 } name }
            ? name
            : null;
}
