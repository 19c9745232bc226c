using static Vigil.Core.Tests.Configuration.ConfigTestHelper;

namespace Vigil.Core.Tests.Configuration;

/// <summary>One test per rule checked while reading values: required keys, types, enums, durations, addresses.</summary>
public class ConfigSyntaxRuleTests
{
    private const string Nets = "networks: [ { name: net } ]\n";
    private const string Nodes = "nodes: [ { name: n1, addresses: { net: 10.0.0.1:7400 } } ]\n";

    [Fact]
    public void ClusterNameIsRequired() =>
        Single("cluster: { id: 1 }\n" + Nets + Nodes, "missing required key 'name' in cluster", 1, 10);

    [Fact]
    public void ClusterIdIsRequired() =>
        Single("cluster: { name: c }\n" + Nets + Nodes, "missing required key 'id' in cluster", 1, 10);

    [Fact]
    public void ClusterSectionIsRequired() =>
        Single(Nets + Nodes, "missing required key 'cluster' at the top level", 1, 1);

    [Fact]
    public void ClusterIdMustBeANumber() =>
        Single("cluster: { name: c, id: seven }\n" + Nets + Nodes, "expected a number for cluster.id, got 'seven'", 1, 25);

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    public void ClusterIdMustBeInRange(string id) =>
        Single($"cluster: {{ name: c, id: {id} }}\n" + Nets + Nodes, "cluster.id must be between 1 and 65535", 1, 25);

    [Fact]
    public void AtLeastOneNetwork() =>
        Single("cluster: { name: c, id: 1 }\nnetworks: []\n" + Nodes.Replace("net:", "x:"), "networks must list at least one entry", 2, 11);

    [Fact]
    public void AtLeastOneNode() =>
        Single("cluster: { name: c, id: 1 }\n" + Nets + "nodes: []\n", "nodes must list at least one entry", 3, 8);

    [Fact]
    public void UnknownTopLevelKeySuggests() =>
        Single(With("resource_group: []\n"), "unknown key 'resource_group' at the top level; did you mean 'resource_groups'?", 6, 1);

    [Fact]
    public void UnknownNestedKeySuggests() =>
        Single("cluster: { name: c, id: 1, timing: { heartbeat_intervall: 1s } }\n" + Nets + Nodes,
            "unknown key 'heartbeat_intervall' in cluster.timing; did you mean 'heartbeat_interval'?", 1, 38);

    [Fact]
    public void ModeMustBeKnown() =>
        Single("cluster: { name: c, id: 1, mode: hot }\n" + Nets + Nodes,
            "unknown value 'hot' for cluster.mode; allowed values: high-availability, load-sharing", 1, 34);

    [Fact]
    public void NoQuorumMustBeKnown() =>
        Single("cluster: { name: c, id: 1, no_quorum: panic }\n" + Nets + Nodes,
            "unknown value 'panic' for cluster.no_quorum; allowed values: stop, freeze", 1, 39);

    [Fact]
    public void HeartbeatIntervalNeedsAUnit() =>
        Single("cluster: { name: c, id: 1, timing: { heartbeat_interval: 100 } }\n" + Nets + Nodes,
            "invalid duration '100' for cluster.timing.heartbeat_interval: write a unit: 100ms, 2s", 1, 58);

    [Fact]
    public void DeadAfterMustBePositive() =>
        Single("cluster: { name: c, id: 1, timing: { dead_after: 0 } }\n" + Nets + Nodes,
            "cluster.timing.dead_after must be 1 or more, got 0", 1, 50);

    [Fact]
    public void WrongShapeIsReported() =>
        Single("cluster: { name: c, id: 1 }\nnetworks: { name: net }\n" + Nodes, "expected a list for networks, got a mapping", 2, 11);

    [Fact]
    public void ListEntryWithoutNameIsReported() =>
        Single(With("fence_devices: [ { agent: fence_apc } ]\n"), "missing required key 'name' in fence_devices[#1]", 6, 18);

    [Fact]
    public void NodeAddressMustBeIpAndPort() =>
        Single(Base.Replace("10.0.0.2:7400", "10.0.0.2"), "invalid address '10.0.0.2' for nodes[n2].addresses.net; expected IP:port", 5, 35);

    [Theory]
    [InlineData("10.0.0.2:0")]
    [InlineData("10.0.0.2:70000")]
    [InlineData("10.0.2:7400")]
    [InlineData("host:7400")]
    public void NodeAddressRejectsBadHostsAndPorts(string address) =>
        Single(Base.Replace("10.0.0.2:7400", address), $"invalid address '{address}'", 5, 35);

    [Fact]
    public void NodeAddressAcceptsBracketedIpv6() =>
        Assert.Empty(Problems(Base.Replace("10.0.0.2:7400", "\"[fd00::2]:7400\"")));

    [Fact]
    public void ApiMustBeLoopback() =>
        Single(Base.Replace("7400 } }\n  - { name: n2", "7400 }, api: 10.0.0.1:7480 }\n  - { name: n2"),
            "nodes[n1].api must be a loopback address (127.0.0.1 or [::1]), got '10.0.0.1:7480'", 4, 57);

    [Fact]
    public void RoleMustBeKnown() =>
        Single(Base.Replace("7400 } }\n  - { name: n2", "7400 }, role: boss }\n  - { name: n2"),
            "unknown value 'boss' for nodes[n1].role; allowed values: server, witness", 4, 58);

    [Fact]
    public void NodeFenceNeedsADevice() =>
        Single(Base.Replace("7400 } }\n  - { name: n2", "7400 }, fence: { port: \"1\" } }\n  - { name: n2"),
            "missing required key 'device' in nodes[n1].fence", 4, 59);

    [Fact]
    public void ResourceTypeActionKeysAreLimited() =>
        Single(With("resource_types: [ { name: t, actions: { start: /s, stop: /t, monitor: /m, reload: /r } } ]\n"),
            "unknown key 'reload' in resource_types[t].actions", 6, 75);

    [Fact]
    public void LocalRestartsCannotBeNegative() =>
        Single(With("""
            resources: [ { name: r, type: process } ]
            failover_policies: [ { name: p, domain: [n1] } ]
            resource_groups: [ { name: g, resources: [r], policy: p, local_restarts: -1 } ]
            """), "resource_groups[g].local_restarts must be 0 or more, got -1", 8, 74);

    [Theory]
    [InlineData("failback: sometimes", "failback; allowed values: auto, controlled", 57)]
    [InlineData("recovery: later", "recovery; allowed values: auto, in-place", 57)]
    [InlineData("script: scripts/fail.sh", "script; allowed values: ordered, round-robin, or the path of a custom script", 55)]
    public void PolicyWordsMustBeKnown(string entry, string text, int column) =>
        Single(With($"failover_policies: [ {{ name: p, domain: [n1], {entry} }} ]\n"), text, 6, column);

    [Theory]
    [InlineData("/usr/lib/vigil/pick")]
    [InlineData("./pick")]
    public void CustomScriptPathIsAbsoluteOrDotRelative(string path)
    {
        var config = Vigil.Core.Configuration.ConfigLoader.Load(With($"failover_policies: [ {{ name: p, domain: [n1], script: {path} }} ]\n"), "t").Config!;
        Assert.Equal((Vigil.Core.Configuration.FailoverScriptKind.Custom, path), (config.FailoverPolicies[0].Script, config.FailoverPolicies[0].ScriptPath));
    }

    [Fact]
    public void InterfaceFailbackMustBeKnown() =>
        Single(With("interface_groups: [ { name: i, node: n1, interfaces: [ { name: e } ], failback: never } ]\n"),
            "unknown value 'never' for interface_groups[i].failback; allowed values: auto, manual, stay", 6, 81);

    [Fact]
    public void TestAddressMustBeIpWithPrefix() =>
        Single(With("interface_groups: [ { name: i, node: n1, interfaces: [ { name: e, test_address: 10.0.0.5 } ] } ]\n"),
            "invalid address '10.0.0.5' for interface_groups[i].interfaces[e].test_address; expected IP/prefix", 6, 81);

    [Fact]
    public void DetectionFlagsMustBeBooleans() =>
        Single(With("interface_groups: [ { name: i, node: n1, interfaces: [ { name: e } ], detection: { link: maybe } } ]\n"),
            "expected true or false for interface_groups[i].detection.link, got 'maybe'", 6, 90);

    [Fact]
    public void ProbeTargetsMustBeAddresses() =>
        Single(With("interface_groups: [ { name: i, node: n1, interfaces: [ { name: e } ], detection: { targets: [gw] } } ]\n"),
            "invalid probe target 'gw' in interface_groups[i].detection.targets", 6, 94);
}
