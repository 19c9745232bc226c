using static Vigil.Core.Tests.Configuration.ConfigTestHelper;

namespace Vigil.Core.Tests.Configuration;

/// <summary>One test per cross-reference rule of the validator.</summary>
public class ConfigValidationRuleTests
{
    private const string Type = "resource_types: [ { name: web_server, actions: { start: /s, stop: /t, monitor: /m }, requires_types: [ip_address] } ]\n";
    private const string Policy = "failover_policies: [ { name: p, domain: [n1, n2] } ]\n";

    [Fact]
    public void DuplicateNetworkName() =>
        Single(Base.Replace("{ name: backup }", "{ name: net }"), "duplicate network 'net' (first defined on line 2)", 2, 36);

    [Fact]
    public void DuplicateNodeName() =>
        Single(Base.Replace("name: n2, addresses: { net: 10.0.0.2", "name: n1, addresses: { net: 10.0.0.2"),
            "duplicate node 'n1' (first defined on line 4)", 5, 13);

    [Theory]
    [InlineData("fence_devices: [ { name: d, agent: a }, { name: d, agent: b } ]", "duplicate fence device 'd'", 49)]
    [InlineData("critical_devices: [ { name: d, check: /a }, { name: d, check: /b } ]", "duplicate critical device 'd'", 53)]
    [InlineData("resources: [ { name: r, type: process }, { name: r, type: process } ]", "duplicate resource 'r'", 50)]
    [InlineData("failover_policies: [ { name: p, domain: [n1] }, { name: p, domain: [n2] } ]", "duplicate failover policy 'p'", 57)]
    public void DuplicateNamesInOtherSections(string section, string text, int column) =>
        Single(With(section + "\n"), text, 6, column);

    [Fact]
    public void DuplicateResourceTypeAndGroupNames()
    {
        var problems = Problems(With("""
            resource_types: [ { name: t, actions: { start: /s, stop: /t, monitor: /m } }, { name: t, actions: { start: /s, stop: /t, monitor: /m } } ]
            failover_policies: [ { name: p, domain: [n1] } ]
            resources: [ { name: a, type: t }, { name: b, type: t } ]
            resource_groups: [ { name: g, resources: [a], policy: p }, { name: g, resources: [b], policy: p } ]
            """));
        Assert.Equal(["duplicate resource type 't' (first defined on line 6)", "duplicate resource group 'g' (first defined on line 9)"],
            problems.Select(p => p.Message));
    }

    [Fact]
    public void DuplicateInterfaceGroupOnTheSameNodeButNotOnAnother()
    {
        var problems = Problems(With("""
            interface_groups:
              - { name: i, node: n1, interfaces: [ { name: e } ] }
              - { name: i, node: n2, interfaces: [ { name: e } ] }
              - { name: i, node: n1, interfaces: [ { name: e } ] }
            """));
        var problem = Assert.Single(problems);
        Assert.Equal((9, 13, "duplicate interface group 'i' on node 'n1' (first defined on line 7)"), (problem.Line, problem.Column, problem.Message));
    }

    [Fact]
    public void DuplicateInterfaceWithinAGroup() =>
        Single(With("interface_groups: [ { name: i, node: n1, interfaces: [ { name: e }, { name: e } ] } ]\n"),
            "duplicate interface 'e' in interface group 'i'", 6, 77);

    [Fact]
    public void NodeAddressMustNameADeclaredNetwork() =>
        Single(Base.Replace("{ net: 10.0.0.2", "{ nett: 10.0.0.2"),
            "unknown network 'nett' in the addresses of node 'n2'; did you mean 'net'?", 5, 30);

    [Fact]
    public void NodeWithoutAnyAddressIsAnError() =>
        Single(With("  - { name: n3, role: witness }\n"), "node 'n3' has no address", 6, 13);

    [Fact]
    public void NodeWithoutAddressOnTheFirstNetworkIsFine() =>
        Assert.Empty(Problems(With("  - { name: n3, addresses: { backup: 10.0.1.3:7400 } }\n")));

    [Fact]
    public void NodeFenceMustNameAFenceDevice() =>
        Single(Base.Replace("7400 } }\n  - { name: n2", "7400 }, fence: { device: pdu } }\n  - { name: n2") +
            "fence_devices: [ { name: pdus, agent: fence_apc } ]\n",
            "unknown fence device 'pdu' for node 'n1'; did you mean 'pdus'?", 4, 69);

    [Fact]
    public void WitnessWithFenceIsFine() =>
        Assert.Empty(Problems(With("  - { name: q, addresses: { net: 10.0.0.9:7400 }, role: witness, fence: { device: d } }\n" +
            "fence_devices: [ { name: d, agent: fence_ipmilan } ]\n")));

    [Fact]
    public void TiebreakerMustBeANode() =>
        Single(Base.Replace("id: 1 }", "id: 1, tiebreaker: n3 }"), "unknown node 'n3' in cluster.tiebreaker", 1, 40);

    [Fact]
    public void ResourceTypeMustBeKnown() =>
        Single(With(Type + "resources: [ { name: web, type: web_srver } ]\n"),
            "unknown resource type 'web_srver' for resource 'web'", 7, 33);

    [Theory]
    [InlineData("process")]
    [InlineData("ocf:heartbeat:pgsql")]
    [InlineData("systemd:redis")]
    public void BuiltInAndAgentTypesNeedNoDeclaration(string type) =>
        Assert.Empty(Problems(With($"resources: [ {{ name: r, type: \"{type}\" }} ]\n")));

    [Fact]
    public void MalformedAgentTypeIsUnknown() =>
        Single(With("resources: [ { name: r, type: \"ocf:pgsql\" } ]\n"), "unknown resource type 'ocf:pgsql' for resource 'r'", 6, 31);

    [Fact]
    public void TypeNeedsStartStopAndMonitor() =>
        Single(With("resource_types: [ { name: t, actions: { start: /s } } ]\n"),
            "resource type 't' lacks the stop, monitor actions; every type needs at least start, stop and monitor", 6, 39);

    [Fact]
    public void RequiredTypeMustBeKnown() =>
        Single(With("resource_types: [ { name: t, actions: { start: /s, stop: /t, monitor: /m }, requires_types: [ip_adress] } ]\n"),
            "unknown resource type 'ip_adress' in requires_types of type 't'; did you mean 'ip_address'?", 6, 94);

    [Fact]
    public void DependencyMustNameAResource() =>
        Single(With("resources: [ { name: a, type: process, depends_on: [bb] } ]\n"),
            "unknown resource 'bb' in depends_on of resource 'a'", 6, 53);

    [Fact]
    public void DependencyCycleShowsThePath()
    {
        var problem = Single(With("""
            resources:
              - { name: web, type: process, depends_on: [app] }
              - { name: app, type: process, depends_on: [db] }
              - { name: db, type: process, depends_on: [web] }
            """), "dependency cycle: web -> app -> db -> web", 9, 45);
        Assert.Equal("test.yaml", problem.File);
    }

    [Fact]
    public void SelfDependencyIsACycle() =>
        Single(With("resources: [ { name: a, type: process, depends_on: [a] } ]\n"), "dependency cycle: a -> a", 6, 53);

    [Fact]
    public void DependencyOutsideTheGroup() =>
        Single(With(Policy + """
            resources: [ { name: a, type: process, depends_on: [b] }, { name: b, type: process } ]
            resource_groups: [ { name: g, resources: [a], policy: p }, { name: h, resources: [b], policy: p } ]
            """), "resource 'a' depends on 'b', which is not in its resource group 'g'", 7, 53);

    [Fact]
    public void ResourceInTwoGroups() =>
        Single(With(Policy + """
            resources: [ { name: a, type: process } ]
            resource_groups: [ { name: g, resources: [a], policy: p }, { name: h, resources: [a], policy: p } ]
            """), "resource 'a' is in both resource group 'g' and 'h'; a resource belongs to at most one group", 8, 83);

    [Fact]
    public void ResourceInNoGroupIsFine() =>
        Assert.Empty(Problems(With("resources: [ { name: a, type: process } ]\n")));

    [Fact]
    public void GroupMustNameKnownResourcesAndPolicy()
    {
        var problems = Problems(With(Policy + "resource_groups: [ { name: g, resources: [zz], policy: q } ]\n"));
        Assert.Equal(["unknown resource 'zz' in resource group 'g'", "unknown failover policy 'q' for resource group 'g'"],
            problems.Select(p => p.Message));
        Assert.Equal([(7, 43), (7, 56)], problems.Select(p => (p.Line, p.Column)));
    }

    [Fact]
    public void GroupMustHoldTheRequiredTypes() =>
        Single(With(Type + Policy + """
            resources: [ { name: web, type: web_server } ]
            resource_groups: [ { name: webgroup, resources: [web], policy: p } ]
            """), "group webgroup holds web (web_server) which requires a resource of type ip_address", 9, 50);

    [Fact]
    public void EmptyDomain() =>
        Single(With("failover_policies: [ { name: p, domain: [] } ]\n"), "failover policy 'p' has an empty domain", 6, 41);

    [Fact]
    public void DomainNodeMustBeInTheCluster() =>
        Single(With("failover_policies: [ { name: p, domain: [n1, n9] } ]\n"),
            "unknown node 'n9' in the domain of failover policy 'p'", 6, 46);

    [Fact]
    public void DomainNodeTwice() =>
        Single(With("failover_policies: [ { name: p, domain: [n1, n1] } ]\n"),
            "node 'n1' appears twice in the domain of failover policy 'p'", 6, 46);

    [Fact]
    public void DomainCannotHoldAWitness() =>
        Single(With("  - { name: q, addresses: { net: 10.0.0.9:7400 }, role: witness }\n" +
            "failover_policies: [ { name: p, domain: [n1, q] } ]\n"),
            "node 'q' in the domain of failover policy 'p' is a witness", 7, 46);

    [Fact]
    public void InterfaceGroupNodeMustExist() =>
        Single(With("interface_groups: [ { name: i, node: n7, interfaces: [ { name: e } ] } ]\n"),
            "unknown node 'n7' for interface group 'i'", 6, 38);

    [Fact]
    public void MutualBackupPairIsFine() =>
        Assert.Empty(Problems(With("interface_groups: [ { name: i, node: n1, interfaces: [ { name: a, backup: b }, { name: b, backup: a } ] } ]\n")));

    [Fact]
    public void BackupWhosePartnerNamesNoBackupIsFine() =>
        Assert.Empty(Problems(With("interface_groups: [ { name: i, node: n1, interfaces: [ { name: a, backup: b }, { name: b } ] } ]\n")));

    [Fact]
    public void BackupPairMustBeMutual() =>
        Single(With("interface_groups: [ { name: i, node: n1, interfaces: [ { name: a, backup: b }, { name: b, backup: c }, { name: c } ] } ]\n"),
            "interface 'a' names 'b' as its backup, but 'b' names 'c'; 'b' must name 'a' or no backup", 6, 75);

    [Fact]
    public void BackupMustBeInTheSameGroup() =>
        Single(With("interface_groups: [ { name: i, node: n1, interfaces: [ { name: a, backup: eth9 } ] } ]\n"),
            "backup 'eth9' of interface 'a' is not an interface of interface group 'i'", 6, 75);

    [Fact]
    public void BackupCannotBeItself() =>
        Single(With("interface_groups: [ { name: i, node: n1, interfaces: [ { name: a, backup: a } ] } ]\n"),
            "interface 'a' names itself as its backup", 6, 75);

    [Fact]
    public void IpAddressNeedsAddressAndInterfaceGroup()
    {
        var problems = Problems(With("resources: [ { name: vip, type: ip_address } ]\n"));
        Assert.Equal(["ip_address resource 'vip' needs an 'address' param (IP/prefix, for example 192.168.85.50/24)",
            "ip_address resource 'vip' needs an 'interface_group' param"], problems.Select(p => p.Message));
        Assert.All(problems, p => Assert.Equal((6, 22), (p.Line, p.Column)));
    }

    [Fact]
    public void IpAddressMustBeIpWithPrefix() =>
        Single(With("resources: [ { name: vip, type: ip_address, params: { address: 10.0.0.50, interface_group: i } } ]\n" +
            "interface_groups: [ { name: i, node: n1, interfaces: [ { name: e } ] } ]\n"),
            "invalid address '10.0.0.50' for resource 'vip'; expected IP/prefix", 6, 64);

    [Fact]
    public void IpAddressInterfaceGroupMustExist() =>
        Single(With("resources: [ { name: vip, type: ip_address, params: { address: 10.0.0.50/24, interface_group: pub } } ]\n" +
            "interface_groups: [ { name: public, node: n1, interfaces: [ { name: e } ] } ]\n"),
            "unknown interface group 'pub' for resource 'vip'", 6, 95);

    [Fact]
    public void IpAddressInterfaceGroupMustBeOnEveryDomainNode() =>
        Single(With(Policy + """
            resources: [ { name: vip, type: ip_address, params: { address: 10.0.0.50/24, interface_group: public } } ]
            resource_groups: [ { name: g, resources: [vip], policy: p } ]
            interface_groups: [ { name: public, node: n1, interfaces: [ { name: e } ] } ]
            """), "resource 'vip' uses interface group 'public', which is not defined on node n2 (in the domain of failover policy 'p')", 7, 95);
}
