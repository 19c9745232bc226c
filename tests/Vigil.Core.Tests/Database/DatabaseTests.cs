using System.Collections.Immutable;
using Vigil.Core.Cluster;
using Vigil.Core.Consensus;
using Vigil.Core.Database;
using Vigil.Core.Decisions;

namespace Vigil.Core.Tests.Database;

public class DatabaseTests
{
    internal static string Yaml(string nodes = "n1, n2, n3", string groups = "[web]", string extraNode = "") => $$"""
        cluster: { name: test, id: 7 }
        networks: [ { name: ring0 } ]
        nodes:
        {{string.Join("\n", nodes.Split(", ").Select((n, i) => $"  - {{ name: {n}, addresses: {{ ring0: 127.0.0.1:{7400 + i} }}, fence: {{ device: pdu }} }}"))}}
        {{extraNode}}
        fence_devices: [ { name: pdu, agent: script, params: { command: /bin/true } } ]
        resource_types:
          - { name: marker, actions: { start: /bin/true, stop: /bin/true, monitor: /bin/true } }
        resources: [ { name: web, type: marker }, { name: db, type: marker } ]
        failover_policies: [ { name: p, domain: [{{nodes}}] } ]
        resource_groups:
          - { name: webgroup, resources: {{groups}}, policy: p }
        """;

    private static long index;

    private static LogEntry Entry(DatabaseEntry e) => new(++index, 1, DatabaseCodec.Encode(e));

    private static ClusterDatabase WithConfig(out long next)
    {
        index = 0;
        var db = ClusterDatabase.Empty();
        Assert.Equal(ApplyKind.ConfigChanged, db.Apply(Entry(new ConfigCommitted(1, Yaml(), "test"))).Kind);
        next = index + 1;
        return db;
    }

    [Fact]
    public void A_noop_entry_only_advances_the_applied_index()
    {
        var db = ClusterDatabase.Empty();
        Assert.Equal(ApplyKind.Noop, db.Apply(new LogEntry(1, 1, [])).Kind);
        Assert.Equal(1, db.AppliedIndex);
        Assert.Null(db.State);
    }

    [Fact]
    public void The_first_config_version_creates_the_initial_state()
    {
        var db = WithConfig(out _);
        Assert.Equal(1, db.ConfigVersion);
        Assert.Equal(["n1", "n2", "n3"], db.State!.Nodes.Keys.Order());
        Assert.Null(db.State.Groups["webgroup"].Owner);
    }

    [Fact]
    public void A_decision_batch_applies_only_on_the_state_version_it_was_computed_on()
    {
        var db = WithConfig(out _);
        var version = db.State!.Version;
        var joined = new DecisionsCommitted(1, version, [new NodeJoined("n1", "joined")], "n1");
        Assert.Equal(ApplyKind.StateChanged, db.Apply(Entry(joined)).Kind);
        Assert.Equal(NodeHealth.Up, db.State.Nodes["n1"].Health);
        // The same batch again (a retried proposal) is stale now and must not apply twice.
        var outcome = db.Apply(Entry(joined with { Decisions = [new NodeJoined("n2", "joined")] }));
        Assert.Equal(ApplyKind.Skipped, outcome.Kind);
        Assert.Equal(NodeHealth.Unknown, db.State.Nodes["n2"].Health);
        Assert.Contains("computed on state", outcome.Detail);
    }

    [Fact]
    public void A_batch_from_an_older_config_version_is_skipped()
    {
        var db = WithConfig(out _);
        db.Apply(Entry(new ConfigCommitted(2, Yaml(groups: "[web, db]"), "test")));
        var stale = new DecisionsCommitted(1, db.State!.Version, [new NodeJoined("n1", "joined")], "n1");
        Assert.Equal(ApplyKind.Skipped, db.Apply(Entry(stale)).Kind);
    }

    [Fact]
    public void A_batch_that_breaks_an_invariant_is_refused_whole()
    {
        var db = WithConfig(out _);
        var v = db.State!.Version;
        db.Apply(Entry(new DecisionsCommitted(1, v, [new GroupAssigned("webgroup", "n1", 1, false, "start")], "n1")));
        var before = db.State;
        // Assigning again while n1 owns it would put it on two nodes: refused, and the first decision of the batch is not kept.
        var bad = new DecisionsCommitted(1, before.Version, [new NodeJoined("n2", "j"), new GroupAssigned("webgroup", "n2", 2, false, "x")], "n2");
        var outcome = db.Apply(Entry(bad));
        Assert.Equal(ApplyKind.Skipped, outcome.Kind);
        Assert.Same(before, db.State);
    }

    [Fact]
    public void A_config_version_that_does_not_follow_is_skipped()
    {
        var db = WithConfig(out _);
        Assert.Equal(ApplyKind.Skipped, db.Apply(Entry(new ConfigCommitted(3, Yaml(), "test"))).Kind);
        Assert.Equal(ApplyKind.Skipped, db.Apply(Entry(new ConfigCommitted(1, Yaml(), "test"))).Kind);
        Assert.Equal(1, db.ConfigVersion);
    }

    [Fact]
    public void A_new_config_version_keeps_placement_and_bumps_the_state_version()
    {
        var db = WithConfig(out _);
        db.Apply(Entry(new DecisionsCommitted(1, db.State!.Version, [new GroupAssigned("webgroup", "n1", 1, false, "start")], "n1")));
        var before = db.State.Version;
        Assert.Equal(ApplyKind.ConfigChanged, db.Apply(Entry(new ConfigCommitted(2, Yaml(groups: "[web, db]"), "test"))).Kind);
        Assert.Equal("n1", db.State.Groups["webgroup"].Owner);
        Assert.Equal(before + 1, db.State.Version);
    }

    [Fact]
    public void A_config_version_with_the_committed_text_reuses_the_model_without_loading_it_again()
    {
        var db = WithConfig(out _);
        var (model, stateVersion) = (db.Config, db.State!.Version);
        Assert.Equal(ApplyKind.ConfigChanged, db.Apply(Entry(new ConfigCommitted(2, Yaml(), "again"))).Kind);
        Assert.Same(model, db.Config);
        Assert.Equal((2L, stateVersion + 1), (db.ConfigVersion, db.State.Version));
    }

    [Fact]
    public void A_config_version_uses_the_model_loaded_from_its_exact_text_and_ignores_one_of_another_text()
    {
        var db = WithConfig(out _);
        var text = Yaml(groups: "[web, db]");
        var known = new LoadedConfig(text, Vigil.Core.Configuration.ConfigLoader.Load(text, "validated").Config!);
        Assert.Equal(ApplyKind.ConfigChanged, db.Apply(Entry(new ConfigCommitted(2, text, "test")), known).Kind);
        Assert.Same(known.Config, db.Config);
        Assert.Equal(text, db.ConfigText);
        // A model of another text (the leader validated an entry that is not the one committed here) is not used.
        var other = Yaml(groups: "[db, web]");
        Assert.Equal(ApplyKind.ConfigChanged, db.Apply(Entry(new ConfigCommitted(3, other, "test")), known).Kind);
        Assert.NotSame(known.Config, db.Config);
        Assert.Equal(["db", "web"], db.Config!.ResourceGroups.Single().Resources.ToArray());
        // Nor a model when the entry's text does not load: it is skipped as before.
        var broken = new ConfigCommitted(4, "cluster: [", "test");
        Assert.Equal(ApplyKind.Skipped, db.Apply(Entry(broken), new LoadedConfig(other, db.Config)).Kind);
        Assert.Equal(3, db.ConfigVersion);
    }

    [Fact]
    public void A_reordered_failover_domain_takes_effect_and_an_unchanged_one_keeps_its_runtime_order()
    {
        var db = WithConfig(out _);
        db.Apply(Entry(new DecisionsCommitted(1, db.State!.Version, [new RuntimeDomainChanged("webgroup", ["n2", "n3", "n1"], "rotated")], "n1")));
        db.Apply(Entry(new ConfigCommitted(2, Yaml(groups: "[web, db]"), "test")));
        Assert.Equal(["n2", "n3", "n1"], db.State.Groups["webgroup"].RuntimeDomain.ToArray());
        db.Apply(Entry(new ConfigCommitted(3, Yaml(groups: "[web, db]").Replace("domain: [n1, n2, n3]", "domain: [n3, n1, n2]"), "test")));
        Assert.Equal(["n3", "n1", "n2"], db.State.Groups["webgroup"].RuntimeDomain.ToArray());
    }

    [Theory]
    [InlineData("n1, n2, n3, n4, n5", "more than one")]
    public void Config_changes_that_would_break_quorum_overlap_are_refused(string nodes, string expected)
    {
        var db = WithConfig(out _);
        var outcome = db.Apply(Entry(new ConfigCommitted(2, Yaml(nodes: nodes), "test")));
        Assert.Equal(ApplyKind.Skipped, outcome.Kind);
        Assert.Contains(expected, outcome.Detail);
    }

    [Fact]
    public void A_running_group_cannot_be_removed_nor_its_node()
    {
        var db = WithConfig(out _);
        db.Apply(Entry(new DecisionsCommitted(1, db.State!.Version, [new GroupAssigned("webgroup", "n3", 1, false, "start")], "n1")));
        var problems = ConfigChangeRules.Check(db.Config!, db.State, Core.Configuration.ConfigLoader.Load(Yaml(nodes: "n1, n2"), "x").Config!).ToList();
        Assert.Contains(problems, p => p.Contains("node n3 cannot be removed while it runs resource group webgroup"));
    }

    [Fact]
    public void Every_decision_kind_survives_encoding()
    {
        ImmutableArray<Decision> all =
        [
            new NodeJoined("n1", "r"), new NodeFailed("n1", "r"), new FenceRequested("n1", 2, "r"), new NodeFenced("n1", "r"),
            new FenceFailed("n1", 3, TimeSpan.FromMilliseconds(1234), "r"), new GroupAssigned("g", "n2", 4, true, "r"),
            new GroupReleased("g", "n2", "r"), new GroupStopped("g", "n2", "r"), new GroupFailed("g", "n2", "r"),
            new RuntimeDomainChanged("g", ["n2", "n1"], "r"), new GroupMoveRequested("g", "n1", "r"), new FailbackRequested("g", "r"),
            new NodeAdminChanged("n1", NodeAdminState.Maintenance, "r"), new FailuresCleared("g", null, "r"), new ClusterFormed("r"),
        ];
        var decoded = (DecisionsCommitted)DatabaseCodec.Decode(DatabaseCodec.Encode(new DecisionsCommitted(2, 9, all, "n1")));
        Assert.Equal(all.Length, decoded.Decisions.Length);
        for (var i = 0; i < all.Length; i++)
            Assert.Equal(DatabaseCodec.ToJson(all[i]), DatabaseCodec.ToJson(decoded.Decisions[i]));
        Assert.Equal(new FenceFailed("n1", 3, TimeSpan.FromMilliseconds(1234), "r"), decoded.Decisions[4]);
    }

    [Fact]
    public void A_snapshot_restores_the_same_database()
    {
        var db = WithConfig(out _);
        db.Apply(Entry(new DecisionsCommitted(1, db.State!.Version,
            [new GroupAssigned("webgroup", "n2", 1, false, "start"), new GroupFailed("webgroup", "n2", "x"), new NodeAdminChanged("n3", NodeAdminState.Standby, "r")], "n1")));
        var snapshot = new Snapshot(db.AppliedIndex, 1, RaftMembership.Of(["n1", "n2", "n3"]), db.SnapshotData());
        var restored = ClusterDatabase.FromSnapshot(snapshot);
        Assert.Equal(db.AppliedIndex, restored.AppliedIndex);
        Assert.Equal(db.ConfigVersion, restored.ConfigVersion);
        Assert.Equal(db.State.Version, restored.State!.Version);
        Assert.Equal(1, restored.State.Groups["webgroup"].FailCounts["n2"]);
        Assert.Equal(NodeAdminState.Standby, restored.State.Nodes["n3"].Admin);
        Assert.Equal(db.SnapshotData(), restored.SnapshotData());
    }

    [Fact]
    public void Garbage_entries_are_skipped_not_thrown()
    {
        var db = WithConfig(out var next);
        Assert.Equal(ApplyKind.Skipped, db.Apply(new LogEntry(next, 1, [1, (byte)'{', (byte)'x'])).Kind);
        Assert.Equal(ApplyKind.Skipped, db.Apply(new LogEntry(next + 1, 1, [9, 1, 2])).Kind);
        Assert.Equal(next + 1, db.AppliedIndex);
    }
}
