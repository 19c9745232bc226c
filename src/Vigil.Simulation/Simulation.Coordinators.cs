using System.Collections.Immutable;
using Vigil.Core.Coordination;
using Vigil.Core.Database;

namespace Vigil.Simulation;

/// <summary>
/// The coordinator host, as the agent's (AgentLoop.Coordinator): a coordinator only on the Raft leader once its
/// no-op committed and its database caught up; its decisions are proposed as one DecisionsCommitted entry and
/// every other input waits until that entry is applied; then StateCommitted first, then the batch's effects, then
/// the waiting inputs. Leadership lost drops the coordinator with everything it had in flight.
/// </summary>
public sealed partial class Simulation
{
    private static readonly TimeSpan FenceDurationMin = TimeSpan.FromMilliseconds(100);
    private const int FenceDurationSpreadMs = 400;
    private static readonly TimeSpan ScriptDuration = TimeSpan.FromMilliseconds(50);

    /// <summary>Starts the coordinator on a ready leader whose database applied everything committed.</summary>
    private void EnsureCoordinator(SimNode node)
    {
        var raft = node.Raft!;
        if (node.Coordinator is not null || !raft.LeaderReady || node.Database.State is not { } state) return;
        if (node.Database.AppliedIndex < raft.CommitIndex) return;
        node.Coordinator = new Coordinator(config, node.Name, options.CoordinatorOptionsFor(node.BootedAt));
        node.CoordinatorLife++;
        Log(SimLogKind.Coordinator, node.Name, $"coordinating in term {raft.Term} (state {state.Version})");
        StepCoordinator(node, new MembershipChanged(node.View));
        StepCoordinator(node, new StateCommitted(state));
        foreach (var report in node.Reports.Values.ToList()) StepCoordinator(node, new ReportReceived(report));
    }

    private void DropCoordinator(SimNode node, string why)
    {
        if (node.Coordinator is null) return;
        Log(SimLogKind.Coordinator, node.Name, $"stops coordinating: {why}");
        node.Coordinator = null;
        node.Proposal = null;
        node.Waiting.Clear();
    }

    /// <summary>Once per heartbeat on the leader: start the coordinator if due, then its tick.</summary>
    private void CoordinatorHeartbeat(SimNode node)
    {
        EnsureCoordinator(node);
        if (node.Coordinator is not null) StepCoordinator(node, new CoordinatorTick());
    }

    /// <summary>Steps the coordinator, or queues the input (bounded) while a proposal is in flight.</summary>
    private void StepCoordinator(SimNode node, CoordinatorInput input)
    {
        if (node.Coordinator is not { } coordinator) return;
        if (node.Proposal is not null)
        {
            if (node.Waiting.Count < SimNode.MaxWaitingInputs) node.Waiting.Enqueue(input);
            return;
        }
        Handle(node, coordinator.Step(Now, input));
    }

    /// <summary>Decisions are proposed (effects wait for their commit); effects alone run at once.</summary>
    private void Handle(SimNode node, CoordinatorReady ready)
    {
        foreach (var notice in ready.Notices) Log(SimLogKind.Coordinator, node.Name, notice);
        if (!ready.Decisions.IsEmpty)
        {
            var batch = new DecisionsCommitted(node.Database.ConfigVersion, ready.BaseVersion, ready.Decisions, node.Name);
            if (node.Raft!.Propose(DatabaseCodec.Encode(batch)) is { } index)
                node.Proposal = (index, ready);
            else
                Log(SimLogKind.Debug, node.Name, $"could not propose {ready.Decisions.Length} decisions (not leader or too many uncommitted entries)");
            return;
        }
        RunEffects(node, ready.Effects);
    }

    /// <summary>An entry was applied: if it was the pending proposal, the coordinator learns the outcome first.</summary>
    private void CoordinatorEntryApplied(SimNode node, long index, ApplyOutcome outcome)
    {
        if (node.Proposal is not { } pending || index < pending.Index || node.Coordinator is null) return;
        node.Proposal = null;
        if (index == pending.Index && outcome.Kind == ApplyKind.StateChanged)
        {
            Handle(node, node.Coordinator.Step(Now, new StateCommitted(node.Database.State!)));
            if (node.Coordinator is null) return;
            RunEffects(node, pending.Ready.Effects);
        }
        else
        {
            Log(SimLogKind.Debug, node.Name, $"proposal at entry {pending.Index} did not apply ({outcome.Detail})");
        }
        while (node.Proposal is null && node.Coordinator is { } coordinator && node.Waiting.TryDequeue(out var input))
            Handle(node, coordinator.Step(Now, input));
    }

    /// <summary>The state changed by an entry that was not the pending proposal.</summary>
    private void CoordinatorStateChanged(SimNode node)
    {
        if (node.Coordinator is not null && node.Proposal is null && node.Database.State is { } state)
            StepCoordinator(node, new StateCommitted(state));
    }

    private void RunEffects(SimNode node, ImmutableArray<CoordinatorEffect> effects)
    {
        foreach (var effect in effects)
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
        queue.Push(Now + duration, new FenceFinishes(coordinator.Name, coordinator.Incarnation, coordinator.CoordinatorLife, fence, success, detail));
    }

    /// <summary>The fence device acts whatever became of the coordinator; only the coordinator that asked hears the result.</summary>
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
        if (coordinator.IsLife(e.Incarnation) && coordinator.CoordinatorLife == e.CoordinatorLife)
        {
            StepCoordinator(coordinator, new FenceCompleted(target.Name, e.Effect.Attempt, e.Success, e.Detail));
            ProcessReady(coordinator);
        }
    }

    private void RunScript(SimNode coordinator, RunFailoverScript script)
    {
        var (domain, error) = scripts.Run(script);
        Log(SimLogKind.Script, coordinator.Name,
            $"failover script for {script.Group}: [{string.Join(",", script.RuntimeDomain)}] -> {(domain is { } d ? "[" + string.Join(",", d) + "]" : "error: " + error)}");
        queue.Push(Now + ScriptDuration, new ScriptFinishes(coordinator.Name, coordinator.Incarnation, coordinator.CoordinatorLife,
            new FailoverScriptCompleted(script.Group, domain, error)));
    }

    private void FinishScript(ScriptFinishes e)
    {
        var coordinator = nodes[e.Coordinator];
        if (!coordinator.IsLife(e.Incarnation) || coordinator.CoordinatorLife != e.CoordinatorLife) return;
        StepCoordinator(coordinator, e.Result);
        ProcessReady(coordinator);
    }

    /// <summary>
    /// A node whose coordinator runs (a leader): of the partition holding the command's node first, else of the
    /// first partition that has one (a stale leader of a minority may take it; its proposal then never commits).
    /// </summary>
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
            if (nodesInOrder.FirstOrDefault(n => component.Contains(n.Name) && n.Alive && n.Coordinator is not null) is { } active)
                return active;
        return null;
    }
}
