using Vigil.Core.Configuration;

namespace Vigil.Cli;

/// <summary>Reads the files the CLI is given, turning I/O failures into a plain reason.</summary>
internal static class InputFile
{
    /// <summary>The text, or null and the reason it cannot be read.</summary>
    public static (string? Text, string? Error) Read(string path)
    {
        if (Directory.Exists(path)) return (null, "it is a directory");
        try
        {
            return (File.ReadAllText(path), null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, "no such file");
        }
        catch (UnauthorizedAccessException)
        {
            return (null, "permission denied");
        }
        catch (IOException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Loads a cluster configuration from <paramref name="path"/> (named so in problems).</summary>
    public static ConfigLoadResult LoadConfig(string path)
    {
        var (text, error) = Read(path);
        return text is null
            ? new ConfigLoadResult(null, [new ConfigProblem(path, 0, 0, "cannot read: " + error)])
            : ConfigLoader.Load(text, path);
    }

    /// <summary>FILE:LINE:COLUMN: message, or FILE: message for problems with no position.</summary>
    public static string Format(ConfigProblem p) => p.Line == 0 ? $"{p.File}: {p.Message}" : p.ToString();
}
