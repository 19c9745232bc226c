using Vigil.Core.Configuration;
using static Vigil.Core.Tests.Configuration.ConfigTestHelper;

namespace Vigil.Core.Tests.Configuration;

public class ConfigLoaderTests
{
    [Fact]
    public void FullExampleIsValidAndComplete()
    {
        var result = ConfigLoader.Load(File.ReadAllText(RepoFile("examples/full/cluster.yaml")), "cluster.yaml");
        Assert.Empty(result.Problems);
        var config = Assert.IsType<ClusterConfig>(result.Config);
        Assert.Equal("web-cluster", config.Cluster.Name);
        Assert.Equal(7, config.Cluster.Id);
        Assert.Equal(["private", "public"], config.Networks.Select(n => n.Name));
        Assert.Equal(NodeRole.Witness, config.Node("q").Role);
        Assert.Equal("10.0.0.1:7400", config.Node("n1").Addresses["private"]);
        Assert.Equal(new NodeFenceConfig("pdu", "1"), config.Node("n1").Fence);
        var type = Assert.Single(config.ResourceTypes);
        Assert.Equal(TimeSpan.FromSeconds(30), type.Timeouts.Start);
        Assert.Equal(TimeSpan.FromSeconds(20), type.Timeouts.Exclusive);
        Assert.Equal("/opt/web/restart", type.Actions[ResourceAction.Restart]);
        Assert.Equal(["web-ip"], config.Resource("web").DependsOn);
        Assert.Equal(2, config.Group("webgroup").LocalRestarts);
        var policy = config.PolicyOf(config.Group("datagroup"));
        Assert.Equal((FailoverScriptKind.RoundRobin, FailbackMode.Auto, RecoveryMode.InPlace), (policy.Script, policy.Failback, policy.Recovery));
        Assert.Equal(InterfaceFailback.Manual, config.InterfaceGroups[1].Failback);
        Assert.Equal(["192.168.85.1"], config.InterfaceGroups[1].Detection.Targets);
    }

    [Fact]
    public void DefaultsApplyWhenKeysAreLeftOut()
    {
        var yaml = With("""
            resource_types: [ { name: t, actions: { start: /s, stop: /t, monitor: /m } } ]
            resources: [ { name: r, type: t } ]
            failover_policies: [ { name: p, domain: [n1] } ]
            resource_groups: [ { name: g, resources: [r], policy: p } ]
            critical_devices: [ { name: d, check: /bin/true } ]
            interface_groups: [ { name: i, node: n1, interfaces: [ { name: eth0 } ] } ]
            """);
        var config = ConfigLoader.Load(yaml, "t.yaml").Config!;
        Assert.Equal(ClusterMode.HighAvailability, config.Cluster.Mode);
        Assert.Equal(NoQuorumAction.Stop, config.Cluster.NoQuorum);
        Assert.Equal(TimingConfig.Default, config.Cluster.Timing);
        Assert.All(config.Nodes, n => Assert.Equal(NodeRole.Server, n.Role));
        Assert.Null(config.Node("n1").Fence);
        Assert.Equal(ActionTimeouts.Default, config.ResourceTypes[0].Timeouts);
        Assert.Equal(TimeSpan.FromSeconds(10), config.ResourceTypes[0].MonitorInterval);
        Assert.Equal(0, config.ResourceGroups[0].LocalRestarts);
        var policy = config.FailoverPolicies[0];
        Assert.Equal((FailoverScriptKind.Ordered, FailbackMode.Controlled, RecoveryMode.Auto), (policy.Script, policy.Failback, policy.Recovery));
        Assert.Equal(new CriticalDeviceConfig("d", "/bin/true", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)), config.CriticalDevices[0]);
        var detection = config.InterfaceGroups[0].Detection;
        Assert.Equal((true, true, TimeSpan.FromSeconds(10), 0), (detection.Link, detection.Probes, detection.FailureDetectionTime, detection.Targets.Count));
        Assert.Equal(InterfaceFailback.Auto, config.InterfaceGroups[0].Failback);
    }

    [Fact]
    public void TenMistakesGiveTenLocatedMessages()
    {
        var result = ConfigLoader.Load(File.ReadAllText(RepoFile("examples/invalid/ten-mistakes.yaml")), "ten-mistakes.yaml");
        Assert.Null(result.Config);
        var expected = new (int Line, string Text)[]
        {
            (4, "expected a number for cluster.id, got 'seven'"),
            (5, "unknown value 'active-active' for cluster.mode; allowed values: high-availability, load-sharing"),
            (6, "unknown key 'heartbeat_intervall' in cluster.timing; did you mean 'heartbeat_interval'?"),
            (10, "unknown fence device 'pdu' for node 'n1'"),
            (11, "unknown network 'privat' in the addresses of node 'n2'; did you mean 'private'?"),
            (12, "duplicate node 'n1' (first defined on line 10)"),
            (15, "dependency cycle: web -> app -> web"),
            (18, "unknown node 'n3' in the domain of failover policy 'p'"),
            (20, "resource_groups[g1].local_restarts must be 0 or more, got -1"),
            (21, "resource 'db' is in both resource group 'g1' and 'g2'"),
        };
        Assert.Equal(expected.Length, result.Problems.Count);
        foreach (var (problem, (line, text)) in result.Problems.Zip(expected))
        {
            Assert.Equal(line, problem.Line);
            Assert.Contains(text, problem.Message);
            Assert.Equal("ten-mistakes.yaml", problem.File);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("just text")]
    [InlineData("- a\n- b\n")]
    [InlineData("cluster: [\n")]
    [InlineData("cluster: { name: a, name: b }\n")]
    [InlineData("a: &x [*x]\n")]
    [InlineData("\t- tab\n")]
    public void NeverThrowsAndAlwaysReportsSomething(string yaml)
    {
        var result = ConfigLoader.Load(yaml, "bad.yaml");
        Assert.Null(result.Config);
        Assert.NotEmpty(result.Problems);
        Assert.All(result.Problems, p => Assert.True(p.Line >= 1 && p.Column >= 1));
    }

    [Fact]
    public void SyntaxErrorIsLocated()
    {
        var problem = Assert.Single(Problems("cluster:\n  name: [a, b\n  id: 3\n"));
        Assert.StartsWith("syntax error:", problem.Message);
        Assert.True(problem.Line >= 2);
    }

    [Fact]
    public void DuplicateYamlKeyIsASyntaxError() =>
        Assert.Contains("the same key appears twice", Assert.Single(Problems(With("networks: []\n"))).Message);

    [Fact]
    public void ProblemToStringIsFileLineColumnMessage() =>
        Assert.Equal("a.yaml:3:7: oops", new ConfigProblem("a.yaml", 3, 7, "oops").ToString());

    [Fact]
    public void ProblemsComeInFileOrder()
    {
        var problems = Problems("nodes: []\nnetworks: []\ncluster: { id: 0 }\n");
        Assert.Equal(problems.OrderBy(p => p.Line).ThenBy(p => p.Column), problems);
        Assert.True(problems.Count >= 4);
    }
}
