using System.Diagnostics;

namespace Vigil.Cli.Agent;

/// <summary>
/// The agent's "now" for Core: monotonic (a Stopwatch) but anchored at the wall clock of the agent's start, so
/// times written into the replicated state (a fence retry's due time) mean the same on every NTP-synced node.
/// </summary>
internal sealed class AgentClock
{
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private readonly TimeSpan anchor = DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch;

    public TimeSpan Now => anchor + watch.Elapsed;

    /// <summary>Time since the agent started.</summary>
    public TimeSpan Uptime => watch.Elapsed;

    public static ulong UnixMillis() => (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
