using System.Collections.Concurrent;
using System.Text;

namespace Vigil.Cli.Agent.Execution.Ocf;

/// <summary>
/// Responsible for the Pacemaker command-line tools that OCF agents call (crm_attribute, attrd_updater, crm_node,
/// crm_master): POSIX sh scripts written into <c>RUN_DIR/pacemaker-bin/</c>, first on PATH and HA_SBIN_DIR for
/// every agent run. They keep node attributes as files — transient ones (attrd_updater, lifetime reboot) under
/// <c>RUN_DIR/attributes/NODE/NAME</c>, which the agent empties at start as a reboot would; permanent ones
/// (lifetime forever) under <c>DATA_DIR/attributes/NODE/NAME</c> — and read cluster facts from
/// <c>RUN_DIR/cluster/</c>, which <see cref="WriteClusterFacts"/> keeps current. Attributes are per node and
/// local: they are not replicated to the other nodes (docs/resources.md "OCF agents").
/// </summary>
internal static partial class PacemakerShims
{
    public const string DirectoryName = "pacemaker-bin";

    /// <summary>Pacemaker's "no such object" exit code (CRM_EX_NOSUCH, Pacemaker 2.x) for a query of a missing attribute.</summary>
    public const int MissingExitCode = 105;

    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly (string Tool, string Body, string Usage)[] Tools =
    [
        ("crm_attribute", CrmAttributeBody,
            "-n NAME with -v VALUE, -G or -D; -N NODE, -l reboot|forever, -t status|nodes, -z, -q, -d DEFAULT, -p [RESOURCE]"),
        ("attrd_updater", AttrdUpdaterBody, "-n NAME with -U/-v VALUE, -Q or -D; -N NODE, -A; -d, -p, -s, -l are ignored"),
        ("crm_node", CrmNodeBody, "-n, -l, -p, -q, -i, -N ID"),
        ("crm_master", CrmMasterBody, "-v VALUE, -G or -D; -N NODE, -l reboot|forever, -q, -r RESOURCE"),
    ];

    /// <summary>The shim directories already written by this process (key: the directory).</summary>
    private static readonly ConcurrentDictionary<string, bool> Written = new(StringComparer.Ordinal);

    /// <summary>The tools provided, in the order written.</summary>
    public static IEnumerable<string> ToolNames => Tools.Select(t => t.Tool);

    /// <summary>
    /// Writes the shims into <c>RUN_DIR/pacemaker-bin/</c> unless this process did so already and they are still
    /// there; returns that directory. Idempotent and safe to call concurrently (each file is written whole, then renamed).
    /// </summary>
    public static string Ensure(string runDir, string dataDir)
    {
        var bin = Path.Combine(Path.GetFullPath(runDir), DirectoryName);
        if (Written.ContainsKey(bin) && Tools.All(t => File.Exists(Path.Combine(bin, t.Tool)))) return bin;
        Directory.CreateDirectory(bin);
        foreach (var (tool, _, _) in Tools)
            WriteAtomically(Path.Combine(bin, tool), Script(tool, runDir, dataDir), Executable);
        Written[bin] = true;
        return bin;
    }

    /// <summary>The text of one shim (for <see cref="Ensure"/>; tests read it).</summary>
    public static string Script(string tool, string runDir, string dataDir)
    {
        var (_, body, usage) = Tools.Single(t => t.Tool == tool);
        var run = Path.GetFullPath(runDir);
        return (Prelude + body)
            .Replace("@RUN@", QuoteInside(run), StringComparison.Ordinal)
            .Replace("@DATA@", QuoteInside(Path.GetFullPath(dataDir)), StringComparison.Ordinal)
            .Replace("@BIN@", QuoteInside(Path.Combine(run, DirectoryName)), StringComparison.Ordinal)
            .Replace("@USAGE@", usage, StringComparison.Ordinal)
            .Replace("@TOOL@", tool, StringComparison.Ordinal);
    }

    /// <summary>
    /// Records what crm_node reports: this node, every configured node (config order: a node's id is its
    /// position, from 1), the current members, and whether this partition has quorum — in
    /// <c>RUN_DIR/cluster/{node,nodes,members,quorum}</c>, each replaced atomically. The agent calls it on every
    /// membership change.
    /// </summary>
    public static void WriteClusterFacts(string runDir, string node, IEnumerable<string> nodes, IEnumerable<string> members, bool quorate)
    {
        var directory = Path.Combine(runDir, "cluster");
        Directory.CreateDirectory(directory);
        WriteAtomically(Path.Combine(directory, "nodes"), Lines(nodes));
        WriteAtomically(Path.Combine(directory, "members"), Lines(members));
        WriteAtomically(Path.Combine(directory, "quorum"), quorate ? "1\n" : "0\n");
        WriteAtomically(Path.Combine(directory, "node"), Lines([node]));
    }

    /// <summary>Where a transient attribute (attrd_updater, crm_attribute -l reboot) of <paramref name="node"/> lives.</summary>
    public static string TransientAttributePath(string runDir, string node, string name) => Path.Combine(runDir, "attributes", node, name);

    /// <summary>Where a permanent attribute (crm_attribute -l forever) of <paramref name="node"/> lives.</summary>
    public static string PermanentAttributePath(string dataDir, string node, string name) => Path.Combine(dataDir, "attributes", node, name);

    private static string Lines(IEnumerable<string> names)
    {
        var text = new StringBuilder();
        foreach (var name in names)
        {
            if (name.Length == 0 || name.Contains('\n')) throw new ArgumentException($"invalid node name '{name}'", nameof(names));
            text.Append(name).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The text for inside single quotes in sh: each ' becomes '\''.</summary>
    private static string QuoteInside(string text) => text.Replace("'", @"'\''", StringComparison.Ordinal);

    /// <summary>Writes a temporary file next to <paramref name="path"/>, then renames it over: readers see old or new, never half.</summary>
    private static void WriteAtomically(string path, string text, UnixFileMode? mode = null)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temp, text);
            if (mode is { } m) File.SetUnixFileMode(temp, m);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
