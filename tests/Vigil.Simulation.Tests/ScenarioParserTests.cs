using Vigil.Core.Cluster;
using Vigil.Core.Coordination;
using Vigil.Simulation.Scenarios;
using Vigil.Simulation.Testing;

namespace Vigil.Simulation.Tests;

public sealed class ScenarioParserTests
{
    private const string File = "s.yaml";

    private static ScenarioParseResult Parse(string yaml) =>
        ScenarioParser.Parse(yaml, File, TestConfigs.ThreeNodesOrderedFailback());

    private static string Problems(ScenarioParseResult r) => string.Join("\n", r.Problems);

    [Fact]
    public void Full_example_parses_every_action()
    {
        var result = Parse("""
            description: everything
            config: cluster.yaml
            seed: 7
            duration: 40s
            options: { fence_mode: off, reboot_delay: 2s }
            timeline:
              - { at: 2s, kill: n1 }
              - { at: 5s, fail_monitor: { resource: web-app, node: n2 } }
              - { at: 9s, partition: [[n1, n2], [n3]] }
              - { at: 12s, heal: true }
              - { at: 13s, cut: { from: n1, to: n3 } }
              - { at: 14s, restart: n1 }
              - { at: 15s, fail_fence: { node: n1 } }
              - { at: 15500ms, fail_fence: { node: n1, on: false } }
              - { at: 16s, fail_start: { resource: web-app, node: n2, persistent: true } }
              - { at: 17s, critical_device: { node: n1, device: uplink, failed: true } }
              - { at: 18s, network: { drop: 10, duplicate: 5, delay_max: 100ms, reorder: true } }
              - { at: 19s, clear_faults: true }
              - { at: 20s, move: { group: web, node: n2 } }
              - { at: 21s, standby: n2 }
              - { at: 21s, online: n2 }
              - { at: 21s, maintenance: n3 }
              - { at: 22s, failback: web }
              - { at: 23s, clear_failures: { group: web, node: n2 } }
            expect:
              placement: { web: n2, db: stopped }
              active_attention: [web]
              events: ["n1 fenced"]
            """);
        Assert.True(result.IsValid, Problems(result));
        var s = result.Scenario!;
        Assert.Equal(("everything", "cluster.yaml", 7, TimeSpan.FromSeconds(40)), (s.Description, s.ConfigPath, s.Seed, s.Duration));
        Assert.Equal(new ScenarioOptions(FenceMode.Off, TimeSpan.FromSeconds(2)), s.Options);
        Assert.Equal(18, s.Timeline.Count);
        Assert.Equal(new ScheduledAction(TimeSpan.FromSeconds(2), new SimAction.Kill("n1")), s.Timeline[0]);
        Assert.Equal(new SimAction.FailMonitor("web-app", "n2"), s.Timeline[1].Action);
        var partition = Assert.IsType<SimAction.Partition>(s.Timeline[2].Action);
        Assert.Equal([["n1", "n2"], ["n3"]], partition.Sides.Select(side => side.ToArray()).ToArray());
        Assert.IsType<SimAction.Heal>(s.Timeline[3].Action);
        Assert.Equal(new SimAction.OneWayCut("n1", "n3"), s.Timeline[4].Action);
        Assert.Equal(new SimAction.FailFence("n1", true), s.Timeline[6].Action);
        Assert.Equal(new SimAction.FailFence("n1", false), s.Timeline[7].Action);
        Assert.Equal(new SimAction.FailStart("web-app", "n2", true), s.Timeline[8].Action);
        Assert.Equal(new SimAction.FailCriticalDevice("n1", "uplink", true), s.Timeline[9].Action);
        Assert.Equal(new SimAction.NetworkFaults(10, 5, 100, true), s.Timeline[10].Action);
        Assert.IsType<SimAction.ClearFaults>(s.Timeline[11].Action);
        Assert.Equal(new SimAction.Operator(new MoveGroup("web", "n2")), s.Timeline[12].Action);
        Assert.Equal(new SimAction.Operator(new SetNodeAdmin("n2", NodeAdminState.Standby)), s.Timeline[13].Action);
        Assert.Equal(new SimAction.Operator(new SetNodeAdmin("n2", NodeAdminState.Online)), s.Timeline[14].Action);
        Assert.Equal(new SimAction.Operator(new SetNodeAdmin("n3", NodeAdminState.Maintenance)), s.Timeline[15].Action);
        Assert.Equal(new SimAction.Operator(new FailbackNow("web")), s.Timeline[16].Action);
        Assert.Equal(new SimAction.Operator(new ClearFailures("web", "n2")), s.Timeline[17].Action);
        Assert.Equal([new PlacementExpectation("web", "n2"), new PlacementExpectation("db", null)], s.Expectations.Placement);
        Assert.Equal(["web"], s.Expectations.ActiveAttention!);
        Assert.Equal(["n1 fenced"], s.Expectations.Events);
    }

    [Fact]
    public void Defaults_seed_1_duration_last_entry_plus_30s_and_reboot()
    {
        var result = Parse("""
            config: c.yaml
            timeline:
              - { at: 12s, kill: n2 }
              - { at: 3s, restart: n2 }
            """);
        Assert.True(result.IsValid, Problems(result));
        var s = result.Scenario!;
        Assert.Equal(1, s.Seed);
        Assert.Equal(TimeSpan.FromSeconds(42), s.Duration);
        Assert.Equal(ScenarioOptions.Default, s.Options);
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(12)], s.Timeline.Select(a => a.At));
        Assert.True(s.Expectations.IsEmpty);
        Assert.Null(s.Expectations.ActiveAttention);
    }

    [Fact]
    public void Unknown_keys_are_located_with_did_you_mean()
    {
        var result = Parse("""
            config: c.yaml
            sead: 3
            timeline:
              - { at: 1s, kil: n1 }
              - { at: 2s, fail_fence: { nod: n1 } }
            expect:
              placment: { web: n1 }
            """);
        Assert.Null(result.Scenario);
        var text = Problems(result);
        Assert.True(text.Contains("s.yaml:2:1: unknown key 'sead' at the top level; did you mean 'seed'?", StringComparison.Ordinal), text);
        Assert.True(text.Contains("s.yaml:4:15: unknown key 'kil' in timeline[#1]; did you mean 'kill'?", StringComparison.Ordinal), text);
        Assert.True(text.Contains("s.yaml:5:29: unknown key 'nod' in timeline[#2].fail_fence; did you mean 'node'?", StringComparison.Ordinal), text);
        Assert.True(text.Contains("s.yaml:7:3: unknown key 'placment' in expect; did you mean 'placement'?", StringComparison.Ordinal), text);
    }

    [Fact]
    public void Unknown_names_are_checked_against_the_config()
    {
        var result = Parse("""
            config: c.yaml
            timeline:
              - { at: 1s, kill: n4 }
              - { at: 2s, fail_monitor: { resource: web-ap } }
              - { at: 3s, move: { group: wbe, node: n2 } }
              - { at: 4s, critical_device: { node: n1, device: uplnk } }
              - { at: 5s, partition: [[n1], [n9]] }
            expect:
              placement: { web: n7 }
            """);
        var text = Problems(result);
        Assert.True(text.Contains("s.yaml:3:21: unknown node 'n4' in timeline[#1].kill", StringComparison.Ordinal), text);
        Assert.True(text.Contains("s.yaml:4:41: unknown resource 'web-ap' in timeline[#2].fail_monitor.resource; did you mean 'web-ip'?", StringComparison.Ordinal), text);
        Assert.True(text.Contains("unknown resource group 'wbe' in timeline[#3].move.group; did you mean 'web'?", StringComparison.Ordinal), text);
        Assert.True(text.Contains("unknown critical device 'uplnk'", StringComparison.Ordinal), text);
        Assert.True(text.Contains("s.yaml:7:34: unknown node 'n9' in timeline[#5].partition[#2]", StringComparison.Ordinal), text);
        Assert.True(text.Contains("s.yaml:9:21: unknown node 'n7' in expect.placement.web", StringComparison.Ordinal), text);
        Assert.Equal(6, result.Problems.Count);
    }

    [Fact]
    public void Names_are_not_checked_without_a_config()
    {
        var result = ScenarioParser.Parse("config: c.yaml\ntimeline: [{ at: 1s, kill: n9 }]\n", File);
        Assert.True(result.IsValid, Problems(result));
        Assert.NotEmpty(result.CheckAgainst(TestConfigs.ThreeNodesOrderedFailback()).Problems);
    }

    [Theory]
    [InlineData("timeline: [{ at: 5, kill: n1 }]", "2:18: invalid duration '5' for timeline[#1].at: write a unit")]
    [InlineData("duration: 2x", "2:11: invalid duration '2x' for duration: unknown unit 'x'")]
    [InlineData("duration: 1s\ntimeline: [{ at: 5s, kill: n1 }]", "2:11: duration 1s ends before the last timeline entry at 5s")]
    [InlineData("seed: many", "2:7: expected a number for seed, got 'many'")]
    [InlineData("timeline: [{ at: 1s }]", "2:12: timeline[#1] has no action")]
    [InlineData("timeline: [{ at: 1s, kill: n1, restart: n1 }]", "2:32: timeline[#1] has 2 actions (kill, restart); write one per entry")]
    [InlineData("timeline: [{ kill: n1 }]", "missing required key 'at' in timeline[#1]")]
    [InlineData("timeline: [{ at: 1s, heal: false }]", "timeline[#1].heal: false does nothing")]
    [InlineData("timeline: [{ at: 1s, partition: [[n1], [n1, n2]] }]", "node 'n1' is on two sides of timeline[#1].partition")]
    [InlineData("timeline: [{ at: 1s, cut: { from: n2, to: n2 } }]", "timeline[#1].cut cuts n2 from itself; name two different nodes")]
    [InlineData("timeline: [{ at: 1s, cut: { from: n2 } }]", "missing required key 'to' in timeline[#1].cut")]
    [InlineData("timeline: [{ at: 1s, network: { drop: 120 } }]", "timeline[#1].network.drop must be between 0 and 100, got 120")]
    [InlineData("options: { fence_mode: cut }", "unknown value 'cut' for options.fence_mode; allowed values: reboot, off")]
    public void Bad_values_are_located(string yaml, string expected)
    {
        var result = Parse("config: c.yaml\n" + yaml + "\n");
        Assert.Null(result.Scenario);
        Assert.Contains(expected, Problems(result));
        Assert.All(result.Problems, p => Assert.True(p.Line >= 1 && p.Column >= 1, p.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("- a list")]
    [InlineData("config: [unclosed")]
    [InlineData("timeline: 3")]
    [InlineData("timeline: [3, [], {at: []}]")]
    [InlineData("config:\n  - a\nexpect: { placement: [x], events: [{}] }")]
    [InlineData("\t\"")]
    public void Bad_input_never_throws(string yaml)
    {
        var result = ScenarioParser.Parse(yaml, File);
        Assert.NotEmpty(result.Problems);
        Assert.Null(result.Scenario);
        Assert.All(result.Problems, p => Assert.Equal(File, p.File));
    }

    [Fact]
    public void A_placement_outside_the_group_domain_is_reported()
    {
        var config = new ConfigBuilder("two").Servers("n1", "n2", "n3")
            .ResourceType("svc", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1))
            .Policy("p", ["n1", "n2"]).Group("g", "p", 0, ("r", "svc")).Build();
        var result = ScenarioParser.Parse("config: c.yaml\nexpect: { placement: { g: n3 } }\n", File, config);
        Assert.Contains("s.yaml:2:27: expect.placement.g: node 'n3' is not in the failover domain of g (n1, n2)", Problems(result));
    }

    [Fact]
    public void Missing_config_is_reported()
    {
        var result = ScenarioParser.Parse("seed: 2\n", File);
        Assert.Contains("missing required key 'config' at the top level", Problems(result));
        Assert.Null(result.ConfigPath);
    }

    [Fact]
    public void A_parsed_scenario_runs_and_checks_its_expectations()
    {
        var result = Parse("""
            config: c.yaml
            duration: 20s
            timeline:
              - { at: 3s, kill: n1 }
            expect:
              placement: { web: n1, db: n2 }   # failback auto: web returns to n1 once the fenced n1 reboots; db stays on n2, first in its domain
              active_attention: []
              events: ["n1 fenced", "no such line"]
            """);
        Assert.True(result.IsValid, Problems(result));
        var outcome = ScenarioRunner.Run(result.Scenario!, TestConfigs.ThreeNodesOrderedFailback());
        Assert.Empty(outcome.Simulation.Violations);
        Assert.Equal(5, outcome.Expectations.Count);
        Assert.False(outcome.Expectations[^1].Met);
        Assert.All(outcome.Expectations.Take(4), e => Assert.True(e.Met, e.ToString()));
        Assert.False(outcome.Passed);
    }
}
