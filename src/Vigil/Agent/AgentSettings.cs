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
        return new AgentSettings(path, text, config, node, data, key, bindings, api);
    }
}

/// <summary>The agent cannot start: the message says what and where, for the operator.</summary>
internal sealed class AgentSetupException(string message) : Exception(message);
