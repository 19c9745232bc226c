namespace Vigil.Core.Heartbeat;

/// <summary>
/// The heartbeat state of one peer on one network. Silence is measured from an anchor: the last heartbeat (or the
/// monitor's start) moved forward by the time this node itself was paused, never beyond the present.
/// </summary>
internal sealed class PeerLink(string network)
{
    /// <summary>Where silence is measured from.</summary>
    private TimeSpan anchor;

    public string Network { get; } = network;

    public NetworkState State { get; private set; } = NetworkState.Unknown;

    /// <summary>When the peer was last heard on this network (monitor time, no credit), if ever.</summary>
    public TimeSpan? LastHeard { get; private set; }

    /// <summary>The monitor started: a never-heard link counts its silence from here.</summary>
    public void Begin(TimeSpan now) => anchor = now;

    /// <summary>Silence on this link as judged against deadlines (pauses of this node excluded).</summary>
    public TimeSpan Silence(TimeSpan now)
    {
        Invariant.Check(anchor <= now, "a link's silence anchor is never in the future");
        return now - anchor;
    }

    /// <summary>
    /// A heartbeat arrived at <paramref name="at"/> (never after the monitor's present). True when the link changed
    /// to Up. A heartbeat that arrived before the anchor (read late, after a pause credit) does not move it back.
    /// </summary>
    public bool Heard(TimeSpan at)
    {
        if (LastHeard is not { } last || at > last) LastHeard = at;
        if (at > anchor) anchor = at;
        var changed = State != NetworkState.Up;
        State = NetworkState.Up;
        return changed;
    }

    /// <summary>This node was not running for <paramref name="pause"/>: that time is not the peer's silence.</summary>
    public void Credit(TimeSpan pause, TimeSpan now)
    {
        Invariant.Check(anchor <= now && pause >= TimeSpan.Zero, "credit moves the anchor forward, up to now");
        var credited = anchor + pause;
        anchor = credited < now ? credited : now;
    }

    /// <summary>Marks the link Down once silent for <paramref name="deadTime"/>. True when it changed to Down.</summary>
    public bool Expire(TimeSpan now, TimeSpan deadTime)
    {
        if (State == NetworkState.Down || Silence(now) < deadTime)
            return false;
        State = NetworkState.Down;
        return true;
    }
}
