using System.Net;
using Vigil.Core.Configuration;

namespace Vigil.Cli.Agent;

/// <summary>
/// Everything `vigil agent` needs before it joins: the bootstrap configuration (the file given on the command
/// line; the cluster's committed versions replace it once known), this node, where its data lives, the key
/// file, and the addresses to bind. Relative paths in the configuration are relative to its file's directory.
/// </summary>
internal sealed record AgentSettings(
    string ConfigPath,
    string ConfigText,
    ClusterConfig Config,
    NodeConfig Node,
    string DataDir,
    string KeyPath,
    IReadOnlyList<(string Network, IPEndPoint Local)> Bindings,
    IPEndPoint? Api)
{
    /// <summary>The environment variable that overrides <see cref="SnapshotEvery"/> (testing and tuning).</summary>
    public const string SnapshotEveryVariable = "VIGIL_SNAPSHOT_EVERY";
    public const int DefaultSnapshotEvery = 1000;
    public const int MinSnapshotEvery = 10;
    public const int MaxSnapshotEvery = 1_000_000;

    /// <summary>Entries applied after the last snapshot before the next one is taken (compaction of the Raft log).</summary>
    public int SnapshotEvery { get; init; } = DefaultSnapshotEvery;

    public string ConfigDirectory => Path.GetDirectoryName(ConfigPath) ?? ".";

    /// <summary>Resource runtime state; emptied at every agent start (as /run after a reboot).</summary>
    public string RunDir => Path.Combine(DataDir, "run");

    /// <summary>Resolves a path from the configuration against the configuration's directory.</summary>
    public string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(ConfigDirectory, path));

    /// <summary>Loads and checks the settings; every problem is an <see cref="AgentSetupException"/> with a plain reason.</summary>
    public static AgentSettings Load(string configPath, string nodeName, string? dataDir)
    {
        var path = Path.GetFullPath(configPath);
        var (text, error) = InputFile.Read(path);
        if (text is null) throw new AgentSetupException($"{configPath}: cannot read: {error}");
        var loaded = ConfigLoader.Load(text, configPath);
        if (loaded.Config is not { } config)
            throw new AgentSetupException(string.Join("\n", loaded.Problems.Select(InputFile.Format)) + $"\n{configPath}: {loaded.Problems.Count} problem(s); the agent does not start");
        if (Execution.ConfigHostCheck.Run(config, configPath, text, agents: true).Errors is { Count: > 0 } hostProblems)
            throw new AgentSetupException(string.Join("\n", hostProblems.Select(InputFile.Format)) + $"\n{configPath}: {hostProblems.Count} problem(s); the agent does not start");
        if (!config.HasNode(nodeName))
            throw new AgentSetupException($"{configPath}: no node named '{nodeName}' (nodes: {string.Join(", ", config.Nodes.Select(n => n.Name))})");
        var node = config.Node(nodeName);
        var directory = Path.GetDirectoryName(path) ?? ".";
        var keyFile = config.Cluster.KeyFile
            ?? throw new AgentSetupException($"{configPath}: cluster.key_file is required to run an agent (every cluster message is authenticated with it); create one with 'vigil keygen FILE'");
        var bindings = new List<(string, IPEndPoint)>();
        foreach (var network in config.Networks)
        {
            if (!node.Addresses.TryGetValue(network.Name, out var address)) continue;
            if (!AddressParser.TryParseEndpoint(address, out var endpoint))
                throw new AgentSetupException($"{configPath}: node {nodeName}: invalid address '{address}' on network {network.Name}");
            bindings.Add((network.Name, endpoint!));
        }
        if (bindings.Count == 0)
            throw new AgentSetupException($"{configPath}: node {nodeName} has no address on any network");
        IPEndPoint? api = null;
        if (node.Api is { } apiText && AddressParser.TryParseEndpoint(apiText, out var apiEndpoint)) api = apiEndpoint!;
        var data = Path.GetFullPath(dataDir ?? Path.Combine(directory, "data", nodeName));
        var key = Path.IsPathRooted(keyFile) ? keyFile : Path.GetFullPath(Path.Combine(directory, keyFile));
        return new AgentSettings(path, text, config, node, data, key, bindings, api)
        {
            SnapshotEvery = SnapshotEveryFrom(Environment.GetEnvironmentVariable(SnapshotEveryVariable)),
        };
    }

    /// <summary>The compaction threshold from <see cref="SnapshotEveryVariable"/>: unset or empty is the default, anything else must be a whole number in range.</summary>
    internal static int SnapshotEveryFrom(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return DefaultSnapshotEvery;
        if (int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var every)
            && every is >= MinSnapshotEvery and <= MaxSnapshotEvery)
            return every;
        throw new AgentSetupException($"{SnapshotEveryVariable}={value}: expected a whole number of entries from {MinSnapshotEvery} to {MaxSnapshotEvery} (unset means {DefaultSnapshotEvery}); the agent does not start");
    }
}

/// <summary>The agent cannot start: the message says what and where, for the operator.</summary>
internal sealed class AgentSetupException(string message) : Exception(message);
