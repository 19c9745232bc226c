using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Configuration.Yaml;

/// <summary>Collects located problems for one file; readers add to it and carry on.</summary>
public sealed class ProblemList
{
    private readonly List<ConfigProblem> items = [];

    public ProblemList(string fileName) => FileName = fileName;

    public string FileName { get; }

    public int Count => items.Count;

    public void Add(Mark at, string message) =>
        items.Add(new ConfigProblem(FileName, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), message));

    public void Add(YamlNode node, string message) => Add(node.Start, message);

    /// <summary>The problems in file order (line, then column; stable for equal positions).</summary>
    public IReadOnlyList<ConfigProblem> InFileOrder() =>
        items.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList();
}
