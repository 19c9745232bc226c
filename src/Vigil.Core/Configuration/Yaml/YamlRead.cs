using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Configuration.Yaml;

/// <summary>
/// Converts one node to a typed value. On a wrong type the problem is recorded at the node
/// ("expected a number for cluster.id, got 'seven'") and null is returned, so the caller carries on.
/// </summary>
public static class YamlRead
{
    private static readonly string[] NullWords = ["", "~", "null", "Null", "NULL"];

    /// <summary>True for an explicit YAML null (an empty plain value, ~ or null).</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && NullWords.Contains(s.Value ?? "");

    /// <summary>How a node reads in a message: 'seven', a mapping, a list, nothing.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        _ when IsNull(node) => "nothing",
        YamlScalarNode s => $"'{s.Value}'",
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "something else",
    };

    public static void Expected(YamlNode node, string what, string path, ProblemList problems) =>
        problems.Add(node, $"expected {what} for {YamlPath.Describe(path)}, got {Describe(node)}");

    public static string? String(YamlNode node, string path, ProblemList problems)
    {
        if (node is YamlScalarNode { Value: { } value } && !IsNull(node)) return value;
        Expected(node, "text", path, problems);
        return null;
    }

    public static int? Int(YamlNode node, string path, ProblemList problems, int min = int.MinValue, int max = int.MaxValue)
    {
        if (node is not YamlScalarNode { Value: { } text }
            || !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Expected(node, "a number", path, problems);
            return null;
        }

        if (value >= min && value <= max) return value;
        problems.Add(node, $"{path} must be {RangeText(min, max)}, got {value}");
        return null;
    }

    public static bool? Bool(YamlNode node, string path, ProblemList problems)
    {
        var text = (node as YamlScalarNode)?.Value?.ToLowerInvariant();
        if (text is "true" or "yes" or "on") return true;
        if (text is "false" or "no" or "off") return false;
        Expected(node, "true or false", path, problems);
        return null;
    }

    /// <summary>A duration such as 100ms or 2s (see <see cref="DurationParser"/>); must be positive unless allowZero.</summary>
    public static TimeSpan? Duration(YamlNode node, string path, ProblemList problems, bool allowZero = false)
    {
        if (String(node, path, problems) is not { } text) return null;
        if (!DurationParser.TryParse(text, out var value, out var error))
        {
            problems.Add(node, $"invalid duration '{text}' for {path}: {error}");
            return null;
        }

        if (value > TimeSpan.Zero || (allowZero && value == TimeSpan.Zero)) return value;
        problems.Add(node, $"{path} must be {(allowZero ? "zero or more" : "more than zero")}, got '{text}'");
        return null;
    }

    /// <summary>One of a fixed set of words; the message lists the allowed ones.</summary>
    public static T? Choice<T>(YamlNode node, string path, ProblemList problems, IReadOnlyList<(string Word, T Value)> choices)
        where T : struct
    {
        if (String(node, path, problems) is not { } text) return null;
        foreach (var (word, value) in choices)
            if (word == text) return value;
        var allowed = string.Join(", ", choices.Select(c => c.Word));
        problems.Add(node, $"unknown value '{text}' for {path}; allowed values: {allowed}");
        return null;
    }

    public static IReadOnlyList<YamlNode>? Sequence(YamlNode node, string path, ProblemList problems)
    {
        if (node is YamlSequenceNode seq) return seq.Children.ToList();
        Expected(node, "a list", path, problems);
        return null;
    }

    /// <summary>A list of texts, each with its location; bad entries are reported and skipped.</summary>
    public static IReadOnlyList<Located<string>>? StringList(YamlNode node, string path, ProblemList problems)
    {
        if (Sequence(node, path, problems) is not { } items) return null;
        var result = new List<Located<string>>();
        for (var i = 0; i < items.Count; i++)
            if (String(items[i], $"{path}[#{i + 1}]", problems) is { } text)
                result.Add(new Located<string>(text, items[i].Start));
        return result;
    }

    /// <summary>A mapping of text to text (params, addresses), keys and values with their locations.</summary>
    public static IReadOnlyList<(Located<string> Key, Located<string> Value)>? StringMap(YamlNode node, string path, ProblemList problems)
    {
        if (node is not YamlMappingNode map)
        {
            Expected(node, "a mapping", path, problems);
            return null;
        }

        var result = new List<(Located<string>, Located<string>)>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (String(keyNode, path, problems) is not { } key) continue;
            if (String(valueNode, YamlPath.Child(path, key), problems) is { } value)
                result.Add((new Located<string>(key, keyNode.Start), new Located<string>(value, valueNode.Start)));
        }

        return result;
    }

    private static string RangeText(int min, int max) => (min, max) switch
    {
        (int.MinValue, _) => $"{max} or less",
        (_, int.MaxValue) => $"{min} or more",
        _ => $"between {min} and {max}",
    };
}
