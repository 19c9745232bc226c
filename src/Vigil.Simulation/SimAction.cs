using Vigil.Core.Coordination;

namespace Vigil.Simulation;

/// <summary>
/// Something done to the simulated world at a scheduled time: a fault, its repair, or an operator command.
/// A timeline is a list of (time, action) pairs; the same seed and timeline replay identically.
/// </summary>
public abstract record SimAction
{
    /// <summary>How the action reads in the event log.</summary>
    public abstract string Describe();

    /// <summary>The node crashes (power loss): its resources stop, its processes die. It stays down until restarted.</summary>
    public sealed record Kill(string Node) : SimAction
    {
        public override string Describe() => $"kill {Node}";
    }

    /// <summary>A crashed node boots again (a no-op when it is up).</summary>
    public sealed record Restart(string Node) : SimAction
    {
        public override string Describe() => $"restart {Node}";
    }

    /// <summary>Split the network into symmetric sides; nodes named on no side form one more side together.</summary>
    public sealed record Partition(IReadOnlyList<IReadOnlyList<string>> Sides) : SimAction
    {
        public override string Describe() => "partition " + string.Join(" | ", Sides.Select(s => string.Join(",", s)));
    }

    /// <summary>
    /// An asymmetric fault: messages from <paramref name="From"/> to <paramref name="To"/> are dropped while
    /// <paramref name="To"/> → <paramref name="From"/> still works (until a heal).
    /// </summary>
    public sealed record OneWayCut(string From, string To) : SimAction
    {
        public override string Describe() => $"cut link {From} -> {To} (one way)";
    }

    /// <summary>Remove every partition and one-way cut.</summary>
    public sealed record Heal : SimAction
    {
        public override string Describe() => "heal network";
    }

    /// <summary>One-shot: the resource crashes on the node (or wherever it runs, when Node is null); its next monitor sees it.</summary>
    public sealed record FailMonitor(string Resource, string? Node) : SimAction
    {
        public override string Describe() => $"crash {Resource} on {Node ?? "its node"}";
    }

    /// <summary>The next start of the resource on the node fails (every start until cleared, when persistent).</summary>
    public sealed record FailStart(string Resource, string Node, bool Persistent) : SimAction
    {
        public override string Describe() => $"fail {(Persistent ? "every" : "next")} start of {Resource} on {Node}";
    }

    /// <summary>Fencing the node fails (On) or works again (not On).</summary>
    public sealed record FailFence(string Node, bool On) : SimAction
    {
        public override string Describe() => On ? $"fence device fails for {Node}" : $"fence device works again for {Node}";
    }

    /// <summary>Message faults until changed: drop and duplicate percentages, maximum delay, reordering.</summary>
    public sealed record NetworkFaults(int DropPercent, int DuplicatePercent, int DelayMaxMs, bool Reorder) : SimAction
    {
        public override string Describe() =>
            $"network faults drop={DropPercent}% dup={DuplicatePercent}% delay<={DelayMaxMs}ms reorder={(Reorder ? "on" : "off")}";
    }

    /// <summary>Clear message, start, monitor and fence faults and repair every critical device (not partitions or crashes).</summary>
    public sealed record ClearFaults : SimAction
    {
        public override string Describe() => "clear faults";
    }

    /// <summary>A critical device check on the node starts failing (Failed) or passes again.</summary>
    public sealed record FailCriticalDevice(string Node, string Device, bool Failed) : SimAction
    {
        public override string Describe() => $"critical device {Device} on {Node} {(Failed ? "fails" : "recovers")}";
    }

    /// <summary>An operator command, given to the coordinator of the partition holding the named node.</summary>
    public sealed record Operator(OperatorCommand Command) : SimAction
    {
        public override string Describe() => "operator: " + Command switch
        {
            MoveGroup m => $"move {m.Group} to {m.Node}",
            SetNodeAdmin s => $"set {s.Node} {s.State.ToString().ToLowerInvariant()}",
            FailbackNow f => $"failback {f.Group}",
            ClearFailures c => $"clear failures of {c.Group}{(c.Node is null ? "" : " on " + c.Node)}",
            _ => Command.ToString(),
        };
    }
}

/// <summary>An action at a time on a timeline.</summary>
public sealed record ScheduledAction(TimeSpan At, SimAction Action);
