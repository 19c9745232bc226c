namespace Vigil.Core.Heartbeat;

/// <summary>What this node knows about one peer on one heartbeat network.</summary>
public enum NetworkState
{
    /// <summary>Nothing heard yet, and the monitor has not been running for the dead time.</summary>
    Unknown,
    /// <summary>Heard within the (scaled) dead time.</summary>
    Up,
    /// <summary>Silent for the (scaled) dead time, or never heard during the first dead time.</summary>
    Down,
}
