using Vigil.Core.Configuration.Yaml;

namespace Vigil.Core.Configuration;

/// <summary>Loads a cluster configuration from YAML text: parse, then validate; reports every problem at once.</summary>
public static class ConfigLoader
{
    /// <summary>
    /// Parses and validates <paramref name="yamlText"/>. Never throws for bad input: every problem, located at
    /// the offending line and column of <paramref name="fileName"/>, is in the result instead.
    /// </summary>
    public static ConfigLoadResult Load(string yamlText, string fileName)
    {
        var problems = new ProblemList(fileName);
        var config = Parse(yamlText, problems);
        return problems.Count == 0 && config is not null
            ? new ConfigLoadResult(config, [])
            : new ConfigLoadResult(null, problems.InFileOrder());
    }

    private static ClusterConfig? Parse(string yamlText, ProblemList problems)
    {
        if (YamlText.Parse(yamlText, problems) is not { } root) return null;
        var where = new SourceMap();
        var config = new ConfigParser(problems, where).Parse(root);
        if (config is not null) ConfigValidator.Validate(config, where, problems);
        return config;
    }
}
