using Vigil.Core.Cluster;
using Vigil.Core.Configuration;
using Vigil.Core.Decisions;
using Vigil.Core.Node;

namespace Vigil.Core.Tests.Engine;

/// <summary>
/// Drives one <see cref="NodeController"/>: commits decisions to its cluster state, changes its view, moves time,
/// and answers the resource actions it asks for. Every node starts up and in the view.
/// </summary>
internal sealed class NodeDriver
{
    private readonly Queue<RunAction> unanswered = new();
    private long viewId;

    public NodeDriver(ClusterConfig config, string node = "n1")
    {
        Config = config;
        Node = node;
        Controller = new NodeController(config, node, incarnation: 1);
        State = ClusterStateReducer.ApplyAll(ClusterState.Initial(config), config.Nodes.Select(n => new NodeJoined(n.Name, "t", Incarnation: 1)));
        Step(new NodeStateCommitted(State));
        View([.. config.Nodes.Select(n => n.Name)]);
    }

    public ClusterConfig Config { get; }

    public string Node { get; }

    public NodeController Controller { get; }

    public ClusterState State { get; private set; }

    public TimeSpan Now { get; private set; }

    /// <summary>Every command, in order.</summary>
    public List<NodeCommand> Commands { get; } = [];

    /// <summary>Every resource action asked for, as "resource Action".</summary>
    public List<string> Actions { get; } = [];

    public NodeReport LastReport => Commands.OfType<SendReport>().Last().Report;

    public GroupReport? LastReportOf(string group) => LastReport.For(group);

    public RunAction? Pending => unanswered.Count > 0 ? unanswered.Peek() : null;

    public IReadOnlyList<NodeCommand> Commit(params Decision[] decisions)
    {
        State = ClusterStateReducer.ApplyAll(State, decisions);
        return Step(new NodeStateCommitted(State));
    }

    public IReadOnlyList<NodeCommand> Assign(string group) =>
        Commit(new GroupAssigned(group, Node, State.Groups[group].Generation + 1, false, "t"));

    public IReadOnlyList<NodeCommand> Release(string group) => Commit(new GroupReleased(group, Node, "t"));

    public IReadOnlyList<NodeCommand> View(params string[] members) =>
        Step(new NodeMembershipChanged(new MembershipView(++viewId, new HashSet<string>(members, StringComparer.Ordinal))));

    /// <summary>While true, every tick renews the node's lease as its host does (the cluster database re-sent).</summary>
    public bool DatabaseReachable { get; set; } = true;

    public IReadOnlyList<NodeCommand> TickAt(TimeSpan at)
    {
        Now = at;
        var renewal = DatabaseReachable ? Step(new NodeStateCommitted(State)) : [];
        return [.. renewal, .. Step(new NodeTick())];
    }

    /// <summary>Answers the oldest unanswered action.</summary>
    public IReadOnlyList<NodeCommand> Answer(ActionResult result, string detail = "")
    {
        var action = unanswered.Dequeue();
        return Step(new ActionCompleted(action.ActionId, result, detail));
    }

    /// <summary>
    /// Answers actions until none is pending: <paramref name="answer"/> decides (null: Success, NotRunning for
    /// exclusive checks, Running for monitors).
    /// </summary>
    public void RunAll(Func<RunAction, ActionResult?>? answer = null)
    {
        for (var i = 0; unanswered.Count > 0; i++)
        {
            Assert.True(i < 1000, "the controller kept asking for actions");
            var action = unanswered.Peek();
            Answer(answer?.Invoke(action) ?? Default(action.Action));
        }
    }

    public static ActionResult Default(ResourceAction action) => action switch
    {
        ResourceAction.Exclusive => ActionResult.NotRunning,
        ResourceAction.Monitor => ActionResult.Running,
        _ => ActionResult.Success,
    };

    /// <summary>The actions asked for since <paramref name="from"/> (an index into <see cref="Actions"/>).</summary>
    public string[] ActionsSince(int from) => [.. Actions.Skip(from)];

    public IReadOnlyList<NodeCommand> Step(NodeInput input)
    {
        var output = Controller.Step(Now, input);
        Commands.AddRange(output);
        foreach (var run in output.OfType<RunAction>())
        {
            unanswered.Enqueue(run);
            Actions.Add($"{run.Resource} {run.Action}");
        }
        return output;
    }
}
