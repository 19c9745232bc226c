namespace Vigil.Core.Interfaces;

/// <summary>Failure and repair detection: link state (RUNNING) and probes through test addresses (in.mpathd).</summary>
public sealed partial class InterfaceGroupMachine
{
    private const string CarrierLost = "carrier lost";

    private static readonly string ProbesMissed = $"{ProbesToFail} probes missed";

    private void OnLinkObserved(LinkObserved observed)
    {
        if (!byName.TryGetValue(observed.Interface, out var member))
            return;
        var wasOffline = member.Offline;
        member.Link = observed.Link;
        if (member.Offline && !wasOffline)
            member.Probes.ResetStreaks(); // misses while it was away say nothing about it
    }

    private void OnProbeReplied(ProbeReplied reply)
    {
        if (byName.TryGetValue(reply.Interface, out var member))
            member.Probes.Reply(reply.Sequence, reply.From); // late and unknown replies are ignored
    }

    private void OnProbeNotSent(ProbeNotSent notSent)
    {
        if (byName.TryGetValue(notSent.Interface, out var member) && member.Probes.NotSent(notSent.Sequence, notSent.Error))
            DecideProbeFailures(lastNow);
    }

    private void ExpireProbes(TimeSpan now)
    {
        foreach (var member in members)
            member.Probes.Expire(now, ProbeTimeout);
    }

    /// <summary>
    /// Interfaces that missed <see cref="ProbesToFail"/> probes fail — unless every probing, usable interface of
    /// the group is missing too (at least two of them): then the targets died, not the interfaces, so the targets
    /// are flushed and found again and nothing moves. A group with a single probing usable interface cannot tell
    /// the two apart and fails that interface.
    /// </summary>
    private void DecideProbeFailures(TimeSpan now)
    {
        var healthy = members.Where(m => m.Probing && m.Usable).ToList();
        var failing = healthy.Where(m => m.Probes.MissStreak >= ProbesToFail).ToList();
        if (failing.Count == 0)
            return;
        if (healthy.Count >= 2 && healthy.All(m => m.Probes.MissStreak >= ProbesToFail - 1))
        {
            FlushTargets(now, healthy);
            return;
        }

        foreach (var member in failing)
            member.Fail(ProbesMissed);
    }

    /// <summary>Link-based failure, and repair: RUNNING, plus <see cref="ProbesToRepair"/> replies when it probes.</summary>
    private void DecideLinkAndRepair(MemberInterface member)
    {
        if (member.Offline)
            return;
        if (!member.Failed)
        {
            if (config.Detection.Link && !member.Running)
                member.Fail(CarrierLost);
            return;
        }

        if (!member.Running)
            return; // never repaired while the link says no carrier
        if (!member.RepairNeedsProbes)
            member.Repair("link running");
        else if (member.Probes.ReplyStreak >= ProbesToRepair)
            member.Repair($"{ProbesToRepair} probes answered");
    }

    /// <summary>Every usable interface probes in the same tick (lock-step); failed ones too, so they can be repaired.</summary>
    private void SendProbes(TimeSpan now)
    {
        if (now < nextProbeAt)
            return;
        foreach (var member in members.Where(m => m.Probing && !m.Offline))
        {
            var sequence = nextSequence++;
            var target = member.Probes.Send(sequence, now);
            Emit(new SendProbe(member.Name, member.Source!, target, sequence));
        }

        // Keep the schedule (no drift) unless the shell fell a whole interval behind.
        nextProbeAt = now >= nextProbeAt + ProbeInterval ? now + ProbeInterval : nextProbeAt + ProbeInterval;
    }

    private void FlushTargets(TimeSpan now, IReadOnlyList<MemberInterface> missing)
    {
        var names = string.Join(", ", missing.Select(m => m.Name));
        var how = config.Detection.Targets.Count > 0 ? "starting over with the configured targets" : "discovering new targets";
        Report(InterfaceEventKinds.TargetsFlushed,
            $"every probe target of interface group {Group} stopped answering on {names}: not an interface failure; " +
            $"nothing moves, {how}");
        foreach (var member in members)
        {
            member.Probes.ResetStreaks();
            if (config.Detection.Targets.Count > 0 || !member.ProbesConfigured)
                continue;
            member.Probes.SetTargets([]);
            AskForTargets(now, member);
        }
    }
}
