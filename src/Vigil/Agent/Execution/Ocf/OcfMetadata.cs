using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Vigil.Core.Configuration.Yaml;

namespace Vigil.Cli.Agent.Execution.Ocf;

/// <summary>One parameter an OCF agent declares in its meta-data.</summary>
internal sealed record OcfParameter(string Name, bool Required, bool Unique, bool Deprecated, string? ContentType, string? Default);

/// <summary>One action an OCF agent declares, with its suggested timeout and interval (null when not given).</summary>
internal sealed record OcfActionSpec(string Name, TimeSpan? Timeout, TimeSpan? Interval, int? Depth);

/// <summary>What an agent's meta-data says: its parameters and actions, in the agent's order.</summary>
internal sealed record OcfAgentMetadata(string Name, string? Version, IReadOnlyList<OcfParameter> Parameters, IReadOnlyList<OcfActionSpec> Actions)
{
    public bool HasParameter(string name) => Parameters.Any(p => p.Name == name);

    /// <summary>The timeout the agent suggests for <paramref name="action"/> (start, stop, monitor…), or null.</summary>
    public TimeSpan? DefaultTimeout(string action) => Actions.FirstOrDefault(a => a.Name == action && a.Timeout is not null)?.Timeout;
}

/// <summary>What kind of problem <see cref="OcfMetadata.Problems"/> found; the first two are about this host, not the configuration.</summary>
internal enum OcfProblemKind
{
    NotInstalled,
    MetadataUnreadable,
    MissingRequiredParam,
    UnknownParam,
}

/// <param name="Param">The param concerned (missing or unknown), else null.</param>
internal sealed record OcfProblem(OcfProblemKind Kind, string? Param, string Message)
{
    /// <summary>True when the problem is about the host running the check (agent missing or broken), not the configuration.</summary>
    public bool IsAboutHost => Kind is OcfProblemKind.NotInstalled or OcfProblemKind.MetadataUnreadable;
}

/// <summary>
/// Responsible for an OCF agent's meta-data: runs <c>AGENT meta-data</c> (10 s at most; cached per agent path
/// and modification time for the life of the process), parses the XML, and checks a resource's params
/// against it: required params present, every param known (with a "did you mean").
/// </summary>
internal static class OcfMetadata
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Larger meta-data is refused (the biggest shipped agents have ~40 KB).</summary>
    public const int MaxChars = 1024 * 1024;

    /// <summary>Params in the unknown-param message.</summary>
    public const int MaxListedParams = 8;

    /// <summary>Params ocf-shellfuncs reads for every agent (tracing), so any agent accepts them.</summary>
    public static readonly IReadOnlySet<string> CommonParams = new HashSet<string>(StringComparer.Ordinal) { "trace_ra", "trace_dir", "trace_file" };

    private static readonly ConcurrentDictionary<string, CacheEntry> Cache = new(StringComparer.Ordinal);

    /// <summary>Problems of resource <paramref name="resourceName"/> of <paramref name="type"/> with these params, as one-line messages.</summary>
    public static IReadOnlyList<string> Check(string resourceName, string type, IReadOnlyDictionary<string, string> @params) =>
        Problems(resourceName, type, @params, OcfAgent.DefaultRoot).Select(p => p.Message).ToList();

    /// <summary>
    /// Every problem, worded "resource NAME: …". None for a type that is not "ocf:P:A" (configuration validation
    /// reports those).
    /// </summary>
    public static IReadOnlyList<OcfProblem> Problems(string resourceName, string type, IReadOnlyDictionary<string, string> @params, string ocfRoot)
    {
        if (OcfAgent.Parse(type, ocfRoot) is not { } agent) return [];
        var prefix = $"resource {resourceName}: ";
        if (!agent.IsInstalled) return [new OcfProblem(OcfProblemKind.NotInstalled, null, prefix + agent.NotInstalled)];
        var (metadata, error) = Load(agent);
        if (metadata is null)
            return [new OcfProblem(OcfProblemKind.MetadataUnreadable, null, $"{prefix}cannot read the meta-data of {type}: {error}")];
        var problems = new List<OcfProblem>();
        foreach (var p in metadata.Parameters.Where(p => p.Required && !p.Deprecated && !@params.ContainsKey(p.Name)))
            problems.Add(new OcfProblem(OcfProblemKind.MissingRequiredParam, p.Name, $"{prefix}{type} requires param '{p.Name}'"));
        var names = metadata.Parameters.Where(p => !p.Deprecated).OrderByDescending(p => p.Required).Select(p => p.Name).ToList();
        foreach (var name in @params.Keys.Where(k => !metadata.HasParameter(k) && !CommonParams.Contains(k)))
            problems.Add(new OcfProblem(OcfProblemKind.UnknownParam, name,
                $"{prefix}{type} has no param '{name}'{DidYouMean.Hint(name, metadata.Parameters.Select(p => p.Name))} ({Listed(names)})"));
        return problems;
    }

    /// <summary>The agent's meta-data, or null and why not. Blocks up to <see cref="RunTimeout"/> on a cache miss.</summary>
    public static (OcfAgentMetadata? Metadata, string? Error) Load(OcfAgent agent)
    {
        var path = agent.ExecutablePath;
        if (!File.Exists(path)) return (null, agent.NotInstalled);
        var modified = File.GetLastWriteTimeUtc(path);
        if (!Cache.TryGetValue(path, out var entry) || entry.Modified != modified)
        {
            var (xml, error) = Run(agent);
            entry = new CacheEntry(modified, null, error);
            try
            {
                if (xml is not null) entry = entry with { Metadata = Parse(xml) };
            }
            catch (XmlException e)
            {
                entry = entry with { Error = "not valid XML: " + e.Message };
            }
            Cache[path] = entry;
        }
        return (entry.Metadata, entry.Error);
    }

    /// <summary>Parses meta-data XML (text before the XML declaration or root element is skipped). Throws <see cref="XmlException"/>.</summary>
    public static OcfAgentMetadata Parse(string text)
    {
        var start = text.IndexOf("<?xml", StringComparison.Ordinal);
        if (start < 0) start = text.IndexOf("<resource-agent", StringComparison.Ordinal);
        if (start < 0) throw new XmlException("no <resource-agent> element");
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(text[start..]), settings);
        var root = XDocument.Load(reader).Root;
        if (root is null || root.Name.LocalName != "resource-agent") throw new XmlException("the root element is not <resource-agent>");
        var parameters = root.Elements("parameters").Elements("parameter")
            .Where(p => p.Attribute("name") is not null)
            .Select(p => new OcfParameter((string)p.Attribute("name")!, IsTrue(p.Attribute("required")), IsTrue(p.Attribute("unique")),
                IsTrue(p.Attribute("deprecated")) || p.Element("deprecated") is not null,
                (string?)p.Element("content")?.Attribute("type"), (string?)p.Element("content")?.Attribute("default")))
            .ToList();
        var actions = root.Elements("actions").Elements("action")
            .Where(a => a.Attribute("name") is not null)
            .Select(a => new OcfActionSpec((string)a.Attribute("name")!, Duration((string?)a.Attribute("timeout")),
                Duration((string?)a.Attribute("interval")),
                int.TryParse((string?)a.Attribute("depth"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var depth) ? depth : null))
            .ToList();
        return new OcfAgentMetadata((string?)root.Attribute("name") ?? "", (string?)root.Attribute("version"), parameters, actions);
    }

    /// <summary>
    /// A meta-data duration as Pacemaker reads it: a number with an optional unit (ms, msec, us, usec, s, sec,
    /// m, min, h, hr; none means seconds); null when absent or unreadable.
    /// </summary>
    public static TimeSpan? Duration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var trimmed = text.Trim();
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits])) digits++;
        if (digits == 0 || !long.TryParse(trimmed[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        return trimmed[digits..].Trim().ToLowerInvariant() switch
        {
            "" or "s" or "sec" => TimeSpan.FromSeconds(n),
            "ms" or "msec" => TimeSpan.FromMilliseconds(n),
            "us" or "usec" => TimeSpan.FromMicroseconds(n),
            "m" or "min" => TimeSpan.FromMinutes(n),
            "h" or "hr" => TimeSpan.FromHours(n),
            _ => null,
        };
    }

    private static bool IsTrue(XAttribute? attribute) => (string?)attribute is "1" or "true" or "yes" or "on";

    private static string Listed(IReadOnlyList<string> names) =>
        names.Count == 0 ? "it takes no params"
        : "params: " + string.Join(", ", names.Take(MaxListedParams)) + (names.Count > MaxListedParams ? ", …" : "");

    private sealed record CacheEntry(DateTime Modified, OcfAgentMetadata? Metadata, string? Error);

    /// <summary>
    /// Runs <c>AGENT meta-data</c>: its stdout (stderr is dropped), or why it failed. Synchronous on purpose, with
    /// two dedicated reader threads: callers block (configuration checks), and blocking on thread-pool work
    /// would starve the pool that other actions' output handling needs.
    /// </summary>
    private static (string? Xml, string? Error) Run(OcfAgent agent)
    {
        var start = new ProcessStartInfo(agent.ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        start.ArgumentList.Add("meta-data");
        start.Environment["OCF_ROOT"] = agent.OcfRoot;
        start.Environment["OCF_RA_VERSION_MAJOR"] = "1";
        start.Environment["OCF_RA_VERSION_MINOR"] = "1";
        start.Environment["OCF_RESOURCE_TYPE"] = agent.Name;
        start.Environment["OCF_RESOURCE_PROVIDER"] = agent.Provider;
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            return (null, $"cannot run {agent.ExecutablePath}: {e.Message}");
        }
        process.StandardInput.Close();
        var clock = Stopwatch.StartNew();
        var stdout = new BoundedReader(process.StandardOutput, MaxChars);
        var stderr = new BoundedReader(process.StandardError, 4096);
        try
        {
            var finished = process.WaitForExit(RunTimeout) && stdout.Join(Remaining(clock)) && stderr.Join(Remaining(clock));
            if (!finished) return (null, $"meta-data did not finish within {OcfExitCodes.Format(RunTimeout)}");
            if (!stdout.Complete) return (null, $"meta-data is longer than {MaxChars} characters");
            if (process.ExitCode != 0)
                return (null, $"meta-data exited with {process.ExitCode}: {OcfExitCodes.Reason(stderr.Text + "\n" + stdout.Text)}");
            return (stdout.Text, null);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static TimeSpan Remaining(Stopwatch clock) => RunTimeout - clock.Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>
    /// Reads a stream to its end on a thread of its own, keeping up to a maximum of characters (Complete is false
    /// when there was more): the rest is drained, so the program never blocks on a full pipe.
    /// </summary>
    private sealed class BoundedReader
    {
        private readonly StringBuilder text = new();
        private readonly Thread thread;

        public BoundedReader(StreamReader reader, int max)
        {
            thread = new Thread(() => Read(reader, max)) { IsBackground = true, Name = "ocf meta-data reader" };
            thread.Start();
        }

        public bool Complete { get; private set; } = true;

        public string Text
        {
            get
            {
                lock (text) return text.ToString();
            }
        }

        public bool Join(TimeSpan limit) => thread.Join(limit);

        private void Read(StreamReader reader, int max)
        {
            var buffer = new char[8192];
            try
            {
                int n;
                while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
                    lock (text)
                    {
                        if (text.Length + n <= max) text.Append(buffer, 0, n);
                        else Complete = false;
                    }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The process was killed or disposed: what was read is all there is.
            }
        }
    }
}
