namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// One sender's replay state: the newest epoch seen and, within it, a sliding window of the last
/// <see cref="WireFormat.ReplayWindow"/> sequence numbers. Not thread-safe (the opener locks).
/// </summary>
internal sealed class ReplayWindow
{
    private bool _started;
    private ulong _highest;
    private UInt128 _seen; // bit i set: sequence (_highest - i) was accepted

    /// <summary>The newest epoch accepted from this sender.</summary>
    public ulong Epoch { get; private set; }

    /// <summary>
    /// Accepts <paramref name="sequence"/> of <paramref name="epoch"/> if it is new, recording it;
    /// otherwise returns why not. <paramref name="restarted"/> is true when a newer epoch reset the window.
    /// </summary>
    public string? TryAccept(ulong epoch, ulong sequence, out bool restarted)
    {
        restarted = false;
        if (_started && epoch < Epoch) return $"epoch {epoch} is older than epoch {Epoch} already seen";
        if (!_started || epoch > Epoch)
        {
            restarted = _started;
            _started = true;
            Epoch = epoch;
            _highest = 0;
            _seen = 0;
        }
        if (sequence > _highest)
        {
            var shift = sequence - _highest;
            _seen = shift >= WireFormat.ReplayWindow ? 0 : _seen << (int)shift;
            _seen |= 1;
            _highest = sequence;
            return null;
        }
        var age = _highest - sequence;
        if (age >= WireFormat.ReplayWindow)
            return $"sequence {sequence} of epoch {epoch} is too old (newest is {_highest})";
        var bit = UInt128.One << (int)age;
        if ((_seen & bit) != 0) return $"sequence {sequence} of epoch {epoch} was already received";
        _seen |= bit;
        return null;
    }
}
