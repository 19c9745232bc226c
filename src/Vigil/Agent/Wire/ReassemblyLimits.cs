namespace Vigil.Cli.Agent.Wire;

/// <summary>Bounds on partially received (fragmented) messages; the defaults are the protocol's.</summary>
/// <param name="MaxMessageBytes">Largest reassembled body; a partial growing past it is dropped as oversize.</param>
/// <param name="MaxPartialsPerSender">Partial messages kept per sender; the oldest is evicted for a new one.</param>
/// <param name="MaxBufferedBytes">Fragment bytes kept across all senders; oldest partials are evicted beyond it.</param>
/// <param name="MaxAge">A partial older than this is discarded when another fragment arrives.</param>
internal sealed record ReassemblyLimits(int MaxMessageBytes, int MaxPartialsPerSender, long MaxBufferedBytes, TimeSpan MaxAge)
{
    /// <summary>16 MiB per message, 16 partials per sender, 64 MiB in total, 5 s.</summary>
    public static ReassemblyLimits Default { get; } =
        new(WireFormat.MaxMessageBytes, 16, 64L * 1024 * 1024, TimeSpan.FromSeconds(5));
}
