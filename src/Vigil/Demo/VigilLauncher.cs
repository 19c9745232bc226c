using System.Diagnostics;

namespace Vigil.Cli.Demo;

/// <summary>
/// How to start this same vigil executable again: the apphost (<c>bin/…/vigil</c>) directly, or
/// <c>dotnet vigil.dll</c> when this process runs under the dotnet host (as tests and <c>dotnet vigil.dll</c> do).
/// </summary>
internal sealed class VigilLauncher(string fileName, IReadOnlyList<string> prefix)
{
    public string FileName { get; } = fileName;

    /// <summary>Arguments before the command's own (the assembly path under the dotnet host).</summary>
    public IReadOnlyList<string> Prefix { get; } = prefix;

    public static VigilLauncher Current()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new VigilLauncher(host, [typeof(Program).Assembly.Location])
            : new VigilLauncher(host, []);
    }

    /// <summary>The arguments of a vigil command line (the prefix, then <paramref name="args"/>).</summary>
    public IEnumerable<string> Arguments(params string[] args) => Prefix.Concat(args);

    /// <summary>A /bin/sh command line running vigil with <paramref name="args"/>, every word quoted.</summary>
    public string ShellCommand(params string[] args) => string.Join(' ', new[] { FileName }.Concat(Arguments(args)).Select(ShellQuote));

    /// <summary>
    /// Starts vigil with <paramref name="args"/> through /bin/sh, which replaces itself with vigil (exec) after
    /// pointing stdin at /dev/null and stdout and stderr at <paramref name="logPath"/> (appended): the child
    /// writes its log itself, so it holds no pipe to this process and never blocks on one.
    /// </summary>
    public Process Start(string workingDirectory, string logPath, params string[] args)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var argument in new[] { "-c", "exec \"$@\" </dev/null >>\"$VIGIL_DEMO_LOG\" 2>&1", "vigil-demo", FileName }.Concat(Arguments(args)))
            start.ArgumentList.Add(argument);
        start.Environment["VIGIL_DEMO_LOG"] = logPath;
        return Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start");
    }

    /// <summary>Single-quotes a word for /bin/sh.</summary>
    public static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '=' or ':' or ',')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
