namespace Vigil.Core.Interfaces;

/// <summary>
/// Responsible for the probes of one interface (in.mpathd): its targets taken in turn, the probe in flight, and
/// the counters that decide failure (consecutive misses) and repair (consecutive replies).
/// </summary>
internal sealed class ProbeTracker
{
    /// <summary>
    /// Probes in flight at once. A probe times out half an interval after it is sent and expiry runs before
    /// the next send, so there is never more than one.
    /// </summary>
    public const int MaxOutstanding = 1;

    private readonly List<string> targets = [];
    private readonly List<(long Sequence, TimeSpan SentAt, string Target)> outstanding = [];
    private int nextTarget;

    public IReadOnlyList<string> Targets => targets;

    public int Outstanding => outstanding.Count;

    public long Sent { get; private set; }

    public long Replied { get; private set; }

    public long Missed { get; private set; }

    public int MissStreak { get; private set; }

    public int ReplyStreak { get; private set; }

    public string? LastTarget { get; private set; }

    public string? LastResult { get; private set; }

    /// <summary>Replaces the targets; true when they changed. The probe in flight still counts.</summary>
    public bool SetTargets(IReadOnlyList<string> replacement)
    {
        if (targets.SequenceEqual(replacement, StringComparer.Ordinal))
            return false;
        targets.Clear();
        targets.AddRange(replacement);
        nextTarget = 0;
        return true;
    }

    /// <summary>Records a probe sent now and returns its target: the targets in turn (round robin).</summary>
    public string Send(long sequence, TimeSpan now)
    {
        Invariant.Check(targets.Count > 0, "a probe is only sent to a known target");
        var target = targets[nextTarget % targets.Count];
        nextTarget = (nextTarget + 1) % targets.Count;
        outstanding.Add((sequence, now, target));
        Sent++;
        LastTarget = target;
        Invariant.Check(outstanding.Count <= MaxOutstanding, "at most one probe in flight per interface");
        return target;
    }

    /// <summary>A reply to a probe in flight; false (ignored) for a late, repeated or unknown sequence.</summary>
    public bool Reply(long sequence, string from)
    {
        if (!TryResolve(sequence))
            return false;
        Replied++;
        ReplyStreak++;
        MissStreak = 0;
        LastResult = $"reply from {from}";
        return true;
    }

    /// <summary>The shell could not send the probe: a miss at once.</summary>
    public bool NotSent(long sequence, string error)
    {
        if (!TryResolve(sequence))
            return false;
        Miss($"not sent: {error}");
        return true;
    }

    /// <summary>Probes unanswered for <paramref name="timeout"/> become misses; returns how many.</summary>
    public int Expire(TimeSpan now, TimeSpan timeout)
    {
        var expired = outstanding.Where(p => now >= p.SentAt + timeout).ToList();
        foreach (var probe in expired)
        {
            outstanding.Remove(probe);
            Miss($"missed {probe.Target}");
        }

        return expired.Count;
    }

    /// <summary>Forgets the probe in flight and both streaks (targets flushed, interface offline).</summary>
    public void ResetStreaks()
    {
        outstanding.Clear();
        MissStreak = 0;
        ReplyStreak = 0;
    }

    /// <summary>A failure starts the count of replies needed for repair from zero.</summary>
    public void ResetReplyStreak() => ReplyStreak = 0;

    public ProbeCounters Counters() => new(Sent, Replied, Missed, MissStreak, ReplyStreak, LastTarget, LastResult);

    private bool TryResolve(long sequence)
    {
        var index = outstanding.FindIndex(p => p.Sequence == sequence);
        if (index >= 0)
            outstanding.RemoveAt(index);
        return index >= 0;
    }

    private void Miss(string result)
    {
        Missed++;
        MissStreak++;
        ReplyStreak = 0;
        LastResult = result;
    }
}
