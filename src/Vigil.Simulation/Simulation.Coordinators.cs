using Vigil.Core.Cluster;
using Vigil.Core.Coordination;

namespace Vigil.Simulation;

/// <summary>The coordinator host: stepping, committing Ready batches to the store, and executing effects.</summary>
public sealed partial class Simulation
{
    private static readonly TimeSpan FenceDurationMin = TimeSpan.FromMilliseconds(100);
    private const int FenceDurationSpreadMs = 400;
    private static readonly TimeSpan ScriptDuration = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether the node's coordinator is the one elected in the node's own view.</summary>
    private bool IsActive(SimNode node) =>
        node.Alive && node.Coordinator is not null && Coordinator.ElectedFor(config, node.View) == node.Name;

    private void StepCoordinator(SimNode node, CoordinatorInput input) =>
        HandleReady(node, node.Coordinator!.Step(Now, input));

    /// <summary>
    /// Commit, feed back, execute — in the order CoordinatorReady requires. A committed batch's StateCommitted may
    /// produce the next batch; the chain is bounded.
    /// </summary>
    private void HandleReady(SimNode node, CoordinatorReady ready)
    {
        var life = node.Incarnation;
        for (var chain = 0; node.IsLife(life) && !Stopped; chain++)
        {
            if (chain >= options.MaxCommitChain)
                throw new SimulationLimitException($"seed {Seed}: coordinator on {node.Name} chained more than {options.MaxCommitChain} commits at {Now}");
            foreach (var notice in ready.Notices) Log(SimLogKind.Coordinator, node.Name, notice);
            if (ready.Decisions.IsEmpty && ready.Effects.IsEmpty) return;
            if (!IsActive(node))
            {
                Log(SimLogKind.Debug, node.Name, $"inactive coordinator's batch dropped ({ready.Decisions.Length} decisions)");
                return;
            }
            if (ready.Decisions.IsEmpty)
            {
                ExecuteEffectsIfAllowed(node, ready);
                return;
            }
            if (!Commit(node, ready)) return;
            var next = node.Coordinator!.Step(Now, new StateCommitted(store.State));
            ExecuteEffects(node, ready);
            ready = next;
        }
    }

    private bool Commit(SimNode node, CoordinatorReady ready)
    {
        var verdict = store.TryCommit(ready, node.Name, topology.ComponentOf(node.Name), Now);
        if (verdict != CommitVerdict.Accepted)
        {
            Log(SimLogKind.Debug, node.Name, $"batch on version {ready.BaseVersion} rejected ({verdict}, store at {store.Version})");
            return false;
        }
        foreach (var decision in ready.Decisions) Log(SimLogKind.Decision, node.Name, DecisionText.Describe(decision));
        node.CoordinatorVersion = store.Version;
        truthChanged = true; // the fenced set may have changed
        BroadcastState(node);
        return true;
    }

    private void ExecuteEffectsIfAllowed(SimNode node, CoordinatorReady ready)
    {
        if (ClusterStore.MayDecide(store.QuorumOf(topology.ComponentOf(node.Name)), [], ready.Effects))
            ExecuteEffects(node, ready);
        else
            Log(SimLogKind.Debug, node.Name, "effects dropped: partition may not act");
    }

    private void ExecuteEffects(SimNode node, CoordinatorReady ready)
    {
        foreach (var effect in ready.Effects)
            switch (effect)
            {
                case FenceNode fence: StartFence(node, fence); break;
                case RunFailoverScript script: RunScript(node, script); break;
                default: throw new InvalidOperationException($"unknown effect {effect.GetType().Name}");
            }
    }

    private void StartFence(SimNode coordinator, FenceNode fence)
    {
        var duration = FenceDurationMin + TimeSpan.FromMilliseconds(random.Next(FenceDurationSpreadMs + 1));
        var success = !fenceFailures.Contains(fence.Node);
        var detail = success ? $"fence device {fence.Device}: {fence.Node} powered off" : $"fence device {fence.Device}: simulated failure";
        Log(SimLogKind.Fence, coordinator.Name, $"fencing {fence.Node} with {fence.Device} (attempt {fence.Attempt})");
        queue.Push(Now + duration, new FenceFinishes(coordinator.Name, coordinator.Incarnation, fence, success, detail));
    }

    private void FinishFence(FenceFinishes e)
    {
        var target = nodes[e.Effect.Node];
        Log(SimLogKind.Fence, e.Coordinator, $"fencing {target.Name} (attempt {e.Effect.Attempt}) {(e.Success ? "succeeded" : "failed")}: {e.Detail}");
        if (e.Success)
        {
            Crash(target, "fenced");
            if (options.FenceMode == FenceMode.Reboot) ScheduleReboot(target);
        }
        var coordinator = nodes[e.Coordinator];
        if (coordinator.IsLife(e.Incarnation))
            StepCoordinator(coordinator, new FenceCompleted(target.Name, e.Effect.Attempt, e.Success, e.Detail));
    }

    private void RunScript(SimNode coordinator, RunFailoverScript script)
    {
        var (domain, error) = scripts.Run(script);
        Log(SimLogKind.Script, coordinator.Name,
            $"failover script for {script.Group}: [{string.Join(",", script.RuntimeDomain)}] -> {(domain is { } d ? "[" + string.Join(",", d) + "]" : "error: " + error)}");
        queue.Push(Now + ScriptDuration, new ScriptFinishes(coordinator.Name, coordinator.Incarnation, new FailoverScriptCompleted(script.Group, domain, error)));
    }

    private void FinishScript(ScriptFinishes e)
    {
        var coordinator = nodes[e.Coordinator];
        if (coordinator.IsLife(e.Incarnation)) StepCoordinator(coordinator, e.Result);
    }

    /// <summary>The active coordinator of the partition holding the command's node, else of the first partition that has one.</summary>
    private SimNode? CoordinatorFor(OperatorCommand command)
    {
        var hint = command switch
        {
            MoveGroup m => m.Node,
            SetNodeAdmin s => s.Node,
            ClearFailures c => c.Node,
            _ => null,
        };
        var components = topology.Components().ToList();
        if (hint is not null && topology.IsUp(hint))
            components = [.. components.Where(c => c.Contains(hint)), .. components.Where(c => !c.Contains(hint))];
        foreach (var component in components)
        {
            var elected = Coordinator.ElectedFor(config, new MembershipView(0, component));
            var candidates = nodesInOrder.Where(n => component.Contains(n.Name)).OrderBy(n => n.Name == elected ? 0 : 1);
            if (candidates.FirstOrDefault(IsActive) is { } active) return active;
        }
        return null;
    }
}
