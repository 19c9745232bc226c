using System.Buffers.Text;
using Vigil.Core.Cluster;

namespace Vigil.Cli.Agent;

/// <summary>
/// The bodies of this node's reports to the leader. A node reports every heartbeat, and a report almost always
/// says the same as the one before but for its sequence — which must still grow: the leader keeps only newer
/// reports, and a coordinator that dropped a node's report (it left the view) takes the next one. So the JSON of
/// the last report that said something new is kept, split around its sequence number, and a report that says
/// the same is that JSON with its own sequence written in: the bytes the serializer would write, without it.
/// </summary>
internal sealed class ReportBodies
{
    private static readonly byte[] SequenceKey = "\"sequence\":"u8.ToArray();

    private NodeReport? template;
    private byte[] beforeSequence = [];
    private byte[] afterSequence = [];

    public byte[] Encode(NodeReport report)
    {
        if (template is not null && report.SaysSameAs(template))
            return WithSequence(report.Sequence);
        var body = AgentMessages.Encode(new ReportMessage(report));
        template = Split(body) ? report : null;
        return body;
    }

    private byte[] WithSequence(long sequence)
    {
        Span<byte> digits = stackalloc byte[24];
        Utf8Formatter.TryFormat(sequence, digits, out var length);
        var body = new byte[beforeSequence.Length + length + afterSequence.Length];
        beforeSequence.CopyTo(body, 0);
        digits[..length].CopyTo(body.AsSpan(beforeSequence.Length));
        afterSequence.CopyTo(body, beforeSequence.Length + length);
        return body;
    }

    /// <summary>Splits <paramref name="body"/> around the report's sequence number.</summary>
    private bool Split(byte[] body)
    {
        if (!TryFindSequence(body, out var start, out var end))
            return false;
        beforeSequence = body[..start];
        afterSequence = body[end..];
        return true;
    }

    /// <summary>
    /// Where the digits of the report's sequence are in a report body. In JSON the bytes <c>"sequence":</c> can
    /// only be a property name (a quote inside a string value is escaped), and only the report has one.
    /// </summary>
    public static bool TryFindSequence(ReadOnlySpan<byte> body, out int start, out int end)
    {
        var key = body.IndexOf(SequenceKey);
        start = end = key + SequenceKey.Length;
        if (key < 0)
            return false;
        while (end < body.Length && (char.IsAsciiDigit((char)body[end]) || (end == start && body[end] == '-')))
            end++;
        return end > start;
    }
}
