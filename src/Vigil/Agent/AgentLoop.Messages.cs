using System.Text.Json;
using Vigil.Cli.Agent.Wire;

namespace Vigil.Cli.Agent;

/// <summary>Inbound authenticated messages: decoded here; a body that does not decode is logged once per sender and dropped.</summary>
internal sealed partial class AgentLoop
{
    private readonly HashSet<string> undecodableReported = new(StringComparer.Ordinal);

    private void Receive(MessageArrived m)
    {
        try
        {
            switch (m.Kind)
            {
                case MessageKind.Raft: ReceiveRaft(m.Body); break;
                case MessageKind.Lease: LeaseRenewed(AgentMessages.Decode<LeaseMessage>(m.Body), m.Sender); break;
                case MessageKind.Report:
                    var report = AgentMessages.Decode<ReportMessage>(m.Body).Report;
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
}
