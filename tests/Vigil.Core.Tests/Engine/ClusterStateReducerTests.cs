using System.Collections.Immutable;
using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Decisions;

namespace Vigil.Core.Tests.Engine;

/// <summary>Each decision's effect on the cluster database.</summary>
public class ClusterStateReducerTests
{
    private static readonly ClusterConfig Cfg = Config.Nodes("n1", "n2", "n3").Group("web", domain: ["n1", "n2", "n3"]).Build();

    private static ClusterState Initial => ClusterState.Initial(Cfg);

    /// <summary>web runs on n1 in generation 1; every node up.</summary>
    private static ClusterState Running => ClusterStateReducer.ApplyAll(Initial,
    [
        new NodeJoined("n1", "t"), new NodeJoined("n2", "t"), new NodeJoined("n3", "t"),
        new GroupAssigned("web", "n1", 1, false, "t"),
    ]);

    [Fact]
    public void InitialStateHasUnknownNodesAndStoppedRecoveringGroups()
    {
        var s = Initial;
        Assert.Equal(0, s.Version);
        Assert.All(s.Nodes.Values, n => Assert.Equal((NodeHealth.Unknown, NodeAdminState.Online), (n.Health, n.Admin)));
        var web = s.Groups["web"];
        Assert.Equal((null, GroupTarget.Stopped, 0L, true), (web.Owner, web.Target, web.Generation, web.Recovering));
        Assert.Equal(["n1", "n2", "n3"], web.RuntimeDomain.ToArray());
    }

    [Fact]
    public void EveryDecisionBumpsTheVersionByOne()
    {
        var s = Running;
        Assert.Equal(4, s.Version);
        Assert.Equal(5, ClusterStateReducer.Apply(s, new FenceRequested("n2", 1, "t")).Version);
    }

    public static TheoryData<string, Decision, Func<ClusterState, object?>, object?> NodeDecisions => new()
    {
        { "joined", new NodeJoined("n2", "t"), s => s.Nodes["n2"].Health, NodeHealth.Up },
        { "failed", new NodeFailed("n2", "t"), s => s.Nodes["n2"].Health, NodeHealth.Failed },
        { "fence requested changes nothing", new FenceRequested("n2", 1, "t"), s => s.Nodes["n2"] with { }, new NodeRecord("n2", NodeHealth.Up, NodeAdminState.Online, 0, null) },
        { "fence failed", new FenceFailed("n2", 3, TimeSpan.FromSeconds(7), "t"), s => (s.Nodes["n2"].FenceAttempts, s.Nodes["n2"].NextFenceAt), (3, (TimeSpan?)TimeSpan.FromSeconds(7)) },
        { "fenced", new NodeFenced("n2", "t"), s => s.Nodes["n2"].Health, NodeHealth.Fenced },
        { "standby", new NodeAdminChanged("n2", NodeAdminState.Standby, "t"), s => s.Nodes["n2"].Admin, NodeAdminState.Standby },
        { "maintenance", new NodeAdminChanged("n2", NodeAdminState.Maintenance, "t"), s => s.Nodes["n2"].Admin, NodeAdminState.Maintenance },
    };

    [Theory]
    [MemberData(nameof(NodeDecisions))]
    public void NodeDecision(string story, Decision decision, Func<ClusterState, object?> read, object? expected)
    {
        Assert.NotNull(story);
        Assert.Equal(expected, read(ClusterStateReducer.Apply(Running, decision)));
    }

    [Fact]
    public void FenceFailedThenJoinedOrFencedResetsTheBackOff()
    {
        var failed = ClusterStateReducer.ApplyAll(Running, [new NodeFailed("n2", "t"), new FenceFailed("n2", 2, TimeSpan.FromSeconds(3), "t")]);
        foreach (var d in new Decision[] { new NodeJoined("n2", "t"), new NodeFenced("n2", "t") })
        {
            var n2 = ClusterStateReducer.Apply(failed, d).Nodes["n2"];
            Assert.Equal((0, (TimeSpan?)null), (n2.FenceAttempts, n2.NextFenceAt));
        }
    }

    [Fact]
    public void GroupAssignedSetsOwnerTargetGenerationAndEndsRecovery()
    {
        var web = ClusterStateReducer.Apply(Initial, new GroupAssigned("web", "n2", 1, true, "t")).Groups["web"];
        Assert.Equal(("n2", GroupTarget.Running, 1L, true, false), (web.Owner, web.Target, web.Generation, web.ActiveAttention, web.Recovering));
    }

    [Theory]
    [InlineData("n2")]
    [InlineData("n1")]
    public void GroupAssignedWhileAnotherOwnerIsSetThrows(string node) =>
        Assert.Throws<InvariantViolationException>(() => ClusterStateReducer.Apply(Running, new GroupAssigned("web", node, 2, false, "t")));

    [Fact]
    public void GroupAssignedWithAnOldGenerationThrows()
    {
        var stopped = ClusterStateReducer.Apply(Running, new GroupStopped("web", "n1", "t"));
        Assert.Throws<InvariantViolationException>(() => ClusterStateReducer.Apply(stopped, new GroupAssigned("web", "n2", 1, false, "t")));
    }

    [Fact]
    public void GroupReleasedKeepsTheOwnerButTargetsStopped()
    {
        var web = ClusterStateReducer.Apply(Running, new GroupReleased("web", "n1", "t")).Groups["web"];
        Assert.Equal(("n1", GroupTarget.Stopped, 1L), (web.Owner, web.Target, web.Generation));
    }

    [Fact]
    public void GroupStoppedFreesTheGroupAndRemembersTheLastOwner()
    {
        var web = ClusterStateReducer.ApplyAll(Running, [new GroupReleased("web", "n1", "t"), new GroupStopped("web", "n1", "t")]).Groups["web"];
        Assert.Equal((null, GroupTarget.Stopped, "n1", 0), (web.Owner, web.Target, web.LastOwner, web.FailCounts.Count));
    }

    [Fact]
    public void GroupStoppedByANodeThatDoesNotOwnItThrows() =>
        Assert.Throws<InvariantViolationException>(() => ClusterStateReducer.Apply(Running, new GroupStopped("web", "n2", "t")));

    [Fact]
    public void GroupFailedFreesTheGroupAndIncrementsTheFailCount()
    {
        var once = ClusterStateReducer.Apply(Running, new GroupFailed("web", "n1", "t"));
        var web = once.Groups["web"];
        Assert.Equal((null, "n1", 1), (web.Owner, web.LastOwner, web.FailCounts["n1"]));
        var twice = ClusterStateReducer.ApplyAll(once, [new GroupAssigned("web", "n1", 2, false, "t"), new GroupFailed("web", "n1", "t")]);
        Assert.Equal(2, twice.Groups["web"].FailCounts["n1"]);
    }

    [Fact]
    public void NodeFencedFreesEveryGroupOfTheNodeOnly()
    {
        var cfg = Config.Nodes("n1", "n2").Group("a", domain: ["n1", "n2"]).Group("b", domain: ["n1", "n2"]).Group("c", domain: ["n2", "n1"]).Build();
        var s = ClusterStateReducer.ApplyAll(ClusterState.Initial(cfg),
        [
            new NodeJoined("n1", "t"), new NodeJoined("n2", "t"),
            new GroupAssigned("a", "n1", 1, false, "t"), new GroupAssigned("b", "n1", 1, true, "t"), new GroupAssigned("c", "n2", 1, false, "t"),
            new NodeFailed("n1", "t"), new NodeFenced("n1", "t"),
        ]);
        foreach (var g in new[] { "a", "b" })
            Assert.Equal((null, GroupTarget.Stopped, "n1", false), (s.Groups[g].Owner, s.Groups[g].Target, s.Groups[g].LastOwner, s.Groups[g].ActiveAttention));
        Assert.Equal(("n2", GroupTarget.Running), (s.Groups["c"].Owner, s.Groups["c"].Target));
        Assert.Equal(["n1"], s.FencedNodes);
    }

    [Fact]
    public void RuntimeDomainChangedReplacesTheDomain()
    {
        var s = ClusterStateReducer.Apply(Running, new RuntimeDomainChanged("web", ["n3", "n1"], "t"));
        Assert.Equal(["n3", "n1"], s.Groups["web"].RuntimeDomain.ToArray());
    }

    [Theory]
    [InlineData("n2", "n1", GroupTarget.Stopped)]   // moving elsewhere stops it on the owner first
    [InlineData("n1", "n1", GroupTarget.Running)]   // moving to the owner changes nothing but the preference
    public void GroupMoveRequestedSetsThePreferenceAndStopsTheOwner(string to, string owner, GroupTarget target)
    {
        var web = ClusterStateReducer.Apply(Running, new GroupMoveRequested("web", to, "t")).Groups["web"];
        Assert.Equal((to, owner, target), (web.MoveTo, web.Owner, web.Target));
    }

    [Fact]
    public void FailbackRequestedClearsThePreference()
    {
        var s = ClusterStateReducer.ApplyAll(Running, [new GroupMoveRequested("web", "n2", "t"), new FailbackRequested("web", "t")]);
        Assert.Null(s.Groups["web"].MoveTo);
    }

    [Theory]
    [InlineData("n1", "n2")]
    [InlineData(null, "")]
    public void FailuresClearedOnOneNodeOrAll(string? node, string left)
    {
        var s = Running.WithGroup("web", g => g with { FailCounts = g.FailCounts.SetItem("n1", 2).SetItem("n2", 1) });
        var counts = ClusterStateReducer.Apply(s, new FailuresCleared("web", node, "t")).Groups["web"].FailCounts;
        Assert.Equal(left, string.Join(",", counts.Keys.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void ClusterFormedMarksEveryGroupRecovering()
    {
        Assert.False(Running.Groups["web"].Recovering);
        Assert.True(ClusterStateReducer.Apply(Running, new ClusterFormed("t")).Groups["web"].Recovering);
    }

    [Fact]
    public void ApplyAllIsApplyInOrder()
    {
        ImmutableArray<Decision> ds = [new NodeJoined("n1", "t"), new GroupAssigned("web", "n1", 1, false, "t"), new GroupReleased("web", "n1", "t")];
        Assert.Equal(ds.Aggregate(Initial, ClusterStateReducer.Apply), ClusterStateReducer.ApplyAll(Initial, ds), new StateComparer());
    }

    private sealed class StateComparer : IEqualityComparer<ClusterState>
    {
        public bool Equals(ClusterState? x, ClusterState? y) =>
            x!.Version == y!.Version
            && x.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal).SequenceEqual(y.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal))
            && x.Groups.Keys.All(k => x.Groups[k].Owner == y.Groups[k].Owner && x.Groups[k].Target == y.Groups[k].Target && x.Groups[k].Generation == y.Groups[k].Generation);

        public int GetHashCode(ClusterState obj) => obj.Version.GetHashCode();
    }
}
