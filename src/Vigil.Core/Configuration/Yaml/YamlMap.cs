using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Configuration.Yaml;

/// <summary>
/// A mapping with a known key set. Opening it reports unknown keys (with a did-you-mean); the typed getters
/// report wrong types, record nothing for absent or null keys, and never throw.
/// </summary>
public sealed class YamlMap
{
    private readonly Dictionary<string, (YamlNode Key, YamlNode Value)> entries = new(StringComparer.Ordinal);

    private YamlMap(YamlMappingNode node, string path, ProblemList problems)
    {
        Node = node;
        Path = path;
        Problems = problems;
    }

    public YamlMappingNode Node { get; }

    public string Path { get; }

    public ProblemList Problems { get; }

    public Mark Start => Node.Start;

    /// <summary>Opens <paramref name="node"/> as a mapping; reports and returns null if it is something else.</summary>
    public static YamlMap? Open(YamlNode node, string path, ProblemList problems, IReadOnlyCollection<string> knownKeys)
    {
        if (node is not YamlMappingNode mapping)
        {
            YamlRead.Expected(node, "a mapping", path, problems);
            return null;
        }

        var map = new YamlMap(mapping, path, problems);
        map.Index(knownKeys);
        return map;
    }

    public string PathOf(string key) => YamlPath.Child(Path, key);

    public bool Has(string key) => Value(key) is not null;

    /// <summary>The value of <paramref name="key"/>, or null if absent or explicitly null.</summary>
    public YamlNode? Value(string key) =>
        entries.TryGetValue(key, out var e) && !YamlRead.IsNull(e.Value) ? e.Value : null;

    /// <summary>Where the key itself is written, falling back to the mapping's start.</summary>
    public Mark KeyMark(string key) => entries.TryGetValue(key, out var e) ? e.Key.Start : Start;

    /// <summary>The value, reporting "missing required key" when absent.</summary>
    public YamlNode? Required(string key)
    {
        if (Value(key) is { } value) return value;
        Problems.Add(KeyMark(key), entries.ContainsKey(key)
            ? $"{PathOf(key)} needs a value"
            : $"missing required key '{key}' {Where}");
        return null;
    }

    public string? String(string key, bool required = false) =>
        Get(key, required) is { } n ? YamlRead.String(n, PathOf(key), Problems) : null;

    public int? Int(string key, int min = int.MinValue, int max = int.MaxValue, bool required = false) =>
        Get(key, required) is { } n ? YamlRead.Int(n, PathOf(key), Problems, min, max) : null;

    public bool? Bool(string key) =>
        Value(key) is { } n ? YamlRead.Bool(n, PathOf(key), Problems) : null;

    public TimeSpan? Duration(string key, bool allowZero = false, bool required = false) =>
        Get(key, required) is { } n ? YamlRead.Duration(n, PathOf(key), Problems, allowZero) : null;

    public T? Choice<T>(string key, IReadOnlyList<(string Word, T Value)> choices, bool required = false)
        where T : struct =>
        Get(key, required) is { } n ? YamlRead.Choice(n, PathOf(key), Problems, choices) : null;

    public IReadOnlyList<YamlNode>? Sequence(string key, bool required = false) =>
        Get(key, required) is { } n ? YamlRead.Sequence(n, PathOf(key), Problems) : null;

    public IReadOnlyList<Located<string>>? StringList(string key, bool required = false) =>
        Get(key, required) is { } n ? YamlRead.StringList(n, PathOf(key), Problems) : null;

    public IReadOnlyList<(Located<string> Key, Located<string> Value)>? StringMap(string key, bool required = false) =>
        Get(key, required) is { } n ? YamlRead.StringMap(n, PathOf(key), Problems) : null;

    /// <summary>A nested mapping with its own known key set.</summary>
    public YamlMap? Map(string key, IReadOnlyCollection<string> knownKeys, bool required = false) =>
        Get(key, required) is { } n ? Open(n, PathOf(key), Problems, knownKeys) : null;

    /// <summary>"in cluster.timing", or "at the top level" for the root.</summary>
    private string Where => Path.Length == 0 ? "at the top level" : $"in {Path}";

    private YamlNode? Get(string key, bool required) => required ? Required(key) : Value(key);

    private void Index(IReadOnlyCollection<string> knownKeys)
    {
        foreach (var (keyNode, valueNode) in Node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Problems.Add(keyNode, $"expected a key name in {YamlPath.Describe(Path)}, got {YamlRead.Describe(keyNode)}");
                continue;
            }

            if (knownKeys.Contains(key)) entries[key] = (keyNode, valueNode);
            else Problems.Add(keyNode, UnknownKeyMessage(key, knownKeys));
        }
    }

    private string UnknownKeyMessage(string key, IReadOnlyCollection<string> knownKeys)
    {
        var hint = DidYouMean.Closest(key, knownKeys) is { } s
            ? $"did you mean '{s}'?"
            : "known keys: " + string.Join(", ", knownKeys);
        return $"unknown key '{key}' {Where}; {hint}";
    }
}
