using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// Finds where named entries of a configuration's list sections are written, for the shell's located checks
/// (the configuration was already loaded from the same text, so it parses; if not, nothing is found).
/// </summary>
internal static class ConfigYaml
{
    /// <summary>name -> entry, for the list under the top-level <paramref name="section"/> key.</summary>
    public static Dictionary<string, YamlMappingNode> Entries(string yamlText, string section)
    {
        var found = new Dictionary<string, YamlMappingNode>(StringComparer.Ordinal);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yamlText));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return found;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return found;
        if (Value(root, section) is not YamlSequenceNode list) return found;
        foreach (var entry in list.Children.OfType<YamlMappingNode>())
            if (Value(entry, "name") is YamlScalarNode { Value: { } name }) found.TryAdd(name, entry);
        return found;
    }

    /// <summary>The value under <paramref name="key"/> in a mapping, or null.</summary>
    public static YamlNode? Value(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: var k } && k == key).Value;
}
