using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Configuration.Yaml;

/// <summary>Parses YAML text into a located node tree; syntax errors become problems, never exceptions.</summary>
public static partial class YamlText
{
    /// <summary>The root node of the first document, or null (with a problem recorded) if there is none.</summary>
    public static YamlNode? Parse(string text, ProblemList problems)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            problems.Add(e.Start, "syntax error: " + Describe(e));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet sometimes fails this way on malformed input (an unclosed flow list, for instance).
            problems.Add(scanner.CurrentPosition, "syntax error: cannot parse the YAML here (is a bracket or quote left open?)");
            return null;
        }

        return RootOf(stream, problems);
    }

    private static YamlNode? RootOf(YamlStream stream, ProblemList problems)
    {
        if (stream.Documents.Count == 0 || YamlRead.IsNull(stream.Documents[0].RootNode))
        {
            problems.Add(Mark.Empty, "the file is empty");
            return null;
        }

        if (stream.Documents.Count > 1)
            problems.Add(stream.Documents[1].RootNode, "the file holds more than one YAML document; put everything in one");
        return stream.Documents[0].RootNode;
    }

    private static string Describe(YamlException e)
    {
        var message = (e.InnerException is YamlException inner ? inner.Message : e.Message).Trim();
        message = LocationPrefix().Replace(message, "");
        if (message.StartsWith("Duplicate key", StringComparison.Ordinal))
            return "the same key appears twice in one mapping";
        return message.Length == 0 ? "cannot parse the YAML here" : char.ToLowerInvariant(message[0]) + message[1..];
    }

    [GeneratedRegex(@"^(\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*)+")]
    private static partial Regex LocationPrefix();
}
