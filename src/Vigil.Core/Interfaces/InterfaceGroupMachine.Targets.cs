namespace Vigil.Core.Interfaces;

/// <summary>Probe targets: configured ones for every interface, else discovered per interface (routers, then hosts).</summary>
public sealed partial class InterfaceGroupMachine
{
    private bool AutoTargets => config.Detection.Targets.Count == 0;

    private void StartTargets(TimeSpan now)
    {
        var configured = UsableTargets(config.Detection.Targets);
        foreach (var member in members.Where(m => m.ProbesConfigured))
        {
            if (AutoTargets)
                AskForTargets(now, member);
            else
                member.Probes.SetTargets(configured);
        }
    }

    private void AskForTargets(TimeSpan now, MemberInterface member)
    {
        Emit(new DiscoverTargets(member.Name, member.Source!));
        member.Discovering = true;
        member.DiscoverAt = now + FailureDetectionTime; // ask again if no answer or no target by then
    }

    private void RetryDiscovery(TimeSpan now)
    {
        if (!AutoTargets)
            return;
        foreach (var member in members.Where(m => m.ProbesConfigured && m.Probes.Targets.Count == 0 && now >= m.DiscoverAt))
            AskForTargets(now, member);
    }

    private void OnTargetsDiscovered(TimeSpan now, TargetsDiscovered found)
    {
        if (!AutoTargets || !byName.TryGetValue(found.Interface, out var member) || !member.ProbesConfigured)
            return;
        member.Discovering = false;
        var targets = UsableTargets(found.Targets);
        member.DiscoverAt = targets.Count == 0 ? now + FailureDetectionTime : TimeSpan.MaxValue;
        if (member.Probes.SetTargets(targets) && targets.Count > 0)
            Report(InterfaceEventKinds.TargetsFound,
                $"probe targets of interface {member.Name} in group {Group}: {string.Join(", ", targets)}");
    }

    /// <summary>The first <see cref="MaxTargets"/> distinct targets that are not one of the group's own test addresses.</summary>
    private List<string> UsableTargets(IEnumerable<string> candidates)
    {
        var own = members.Where(m => m.Source is not null).Select(m => m.Source!).ToHashSet(StringComparer.Ordinal);
        return candidates.Where(t => !string.IsNullOrWhiteSpace(t) && !own.Contains(t))
            .Distinct(StringComparer.Ordinal).Take(MaxTargets).ToList();
    }
}
