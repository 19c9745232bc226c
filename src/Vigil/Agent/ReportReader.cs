using System.Buffers.Text;
using Vigil.Core.Cluster;

namespace Vigil.Cli.Agent;

/// <summary>
/// The leader's decoding of the reports it receives. Every node reports every heartbeat, almost always in the
/// bytes of its last report but for the sequence number, and decoding that JSON each time was the largest part
/// of an idle leader's loop. A body equal to the sender's last one outside the sequence digits is that report
/// with the new sequence; any other body is decoded in full.
/// </summary>
internal sealed class ReportReader
{
    /// <summary>Per sender (an authenticated cluster node, so as many as the nodes): its last body decoded in full.</summary>
    private readonly Dictionary<string, (byte[] Body, int Start, int End, NodeReport Report)> last = new(StringComparer.Ordinal);

    public NodeReport Decode(string sender, byte[] body)
    {
        var found = ReportBodies.TryFindSequence(body, out var start, out var end);
        if (found && last.TryGetValue(sender, out var known)
            && body.AsSpan(0, start).SequenceEqual(known.Body.AsSpan(0, known.Start))
            && body.AsSpan(end).SequenceEqual(known.Body.AsSpan(known.End))
            && ParseSequence(body, start, end) is { } sequence)
            return known.Report with { Sequence = sequence };
        var report = AgentMessages.Decode<ReportMessage>(body).Report;
        // Kept only when the digits found are the sequence the decoder read: then they are the only difference.
        if (found && ParseSequence(body, start, end) == report.Sequence)
            last[sender] = (body, start, end, report);
        else
            last.Remove(sender);
        return report;
    }

    private static long? ParseSequence(byte[] body, int start, int end) =>
        Utf8Parser.TryParse(body.AsSpan(start, end - start), out long sequence, out var consumed) && consumed == end - start ? sequence : null;
}
