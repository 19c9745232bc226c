using System.Text.Json;
using Vigil.Cli.Agent.Wire;

namespace Vigil.Cli.Agent;

/// <summary>Inbound authenticated messages: decoded here; a body that does not decode is logged once per sender and dropped.</summary>
internal sealed partial class AgentLoop
{
    private readonly HashSet<string> undecodableReported = new(StringComparer.Ordinal);

    private void Receive(MessageArrived m)
    {
        if (m.Routine && IsRoutineCopy(m)) return;
        try
        {
            switch (m.Kind)
            {
                case MessageKind.Raft: ReceiveRaft(m.Body, AgeInTicks(m.ArrivedAt)); break;
                case MessageKind.Lease: LeaseRenewed(DecodeLease(m), m.Sender, m.ArrivedAt); break;
                case MessageKind.Report:
                    var report = reportReader.Decode(m.Sender, m.Body);
                    if (report.Node == m.Sender && raft.Role == Core.Consensus.RaftRole.Leader) ReportArrived(report);
                    break;
                case MessageKind.ClientRequest: ClientRequestArrived(AgentMessages.Decode<ClientRequest>(m.Body), m.Sender); break;
                case MessageKind.ClientResponse: ClientResponseArrived(AgentMessages.Decode<ClientResponse>(m.Body)); break;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or NotSupportedException)
        {
            if (undecodableReported.Add($"{m.Sender}/{m.Kind}"))
                log.Write("wire", $"dropped an undecodable {m.Kind} message from {m.Sender}: {e.Message} (further ones are only counted)");
            Interlocked.Increment(ref undecodableMessages);
        }
    }

    private long undecodableMessages;

    private readonly ReportReader reportReader = new();

    /// <summary>Routine messages handled since the last tick: (sender, kind, body).</summary>
    private readonly List<(string Sender, MessageKind Kind, byte[] Body)> routineSinceTick = [];

    /// <summary>
    /// Whether an identical routine message from the same sender was already handled since the last tick: the
    /// copy another network carried (keep-alives and leases go on every network). Handling it again would tell
    /// nothing new, and answer it twice.
    /// </summary>
    private bool IsRoutineCopy(MessageArrived m)
    {
        foreach (var (sender, kind, body) in routineSinceTick)
            if (kind == m.Kind && sender == m.Sender && body.AsSpan().SequenceEqual(m.Body)) return true;
        if (routineSinceTick.Count < 64) routineSinceTick.Add((m.Sender, m.Kind, m.Body));
        return false;
    }

    private (string Sender, byte[] Body, LeaseMessage Lease)? lastLease;

    /// <summary>A lease, decoded — unless it has the same bytes as the last one from that sender (routine renewals do).</summary>
    private LeaseMessage DecodeLease(MessageArrived m)
    {
        if (lastLease is { } last && last.Sender == m.Sender && last.Body.AsSpan().SequenceEqual(m.Body)) return last.Lease;
        var lease = AgentMessages.Decode<LeaseMessage>(m.Body);
        lastLease = (m.Sender, m.Body, lease);
        return lease;
    }

    /// <summary>Whole ticks since <paramref name="arrivedAt"/> (a routine message read in a batch, handled at a tick).</summary>
    private int AgeInTicks(TimeSpan arrivedAt)
    {
        var age = clock.Now - arrivedAt;
        return age <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, age / tickInterval);
    }
}
