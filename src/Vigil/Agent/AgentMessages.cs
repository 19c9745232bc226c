using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Cluster;

namespace Vigil.Cli.Agent;

/// <summary>
/// Bodies of the agent's own messages (Raft messages use <see cref="Core.Consensus.RaftCodec"/>). Heartbeats are
/// 16 bytes (incarnation, view id); the rest is JSON. Decoding failures raise <see cref="FormatException"/> or
/// <see cref="JsonException"/>; the caller counts and drops the message.
/// </summary>
internal static class AgentMessages
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        MaxDepth = 16,
    };

    public static byte[] Heartbeat(long incarnation, long viewId)
    {
        var body = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(body, incarnation);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), viewId);
        return body;
    }

    public static (long Incarnation, long ViewId) ReadHeartbeat(ReadOnlySpan<byte> body) =>
        body.Length == 16
            ? (BinaryPrimitives.ReadInt64LittleEndian(body), BinaryPrimitives.ReadInt64LittleEndian(body[8..]))
            : throw new FormatException($"heartbeat of {body.Length} bytes, expected 16");

    public static byte[] Encode<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    public static T Decode<T>(ReadOnlySpan<byte> body) where T : class =>
        JsonSerializer.Deserialize<T>(body, Json) ?? throw new FormatException($"empty {typeof(T).Name}");
}

/// <summary>
/// The leader's lease renewal, sent every heartbeat to every node in its membership view while it hears from a
/// quorum: a node keeps running groups only while it receives one naming it within a dead time. Also carries
/// the group phases the leader learned from reports, for `vigil status` on any node.
/// </summary>
internal sealed record LeaseMessage(long Term, long CommitIndex, long StateVersion, long ConfigVersion, IReadOnlyList<string> Granted, IReadOnlyDictionary<string, string> GroupPhases);

/// <summary>A node's report to the leader's coordinator.</summary>
internal sealed record ReportMessage(NodeReport Report);

/// <summary>
/// A request for the leader: Kind "config_apply" (Text is the YAML) or "operator" (Text is an
/// <see cref="OperatorCall"/> as JSON); forwarded to the leader from other nodes.
/// </summary>
internal sealed record ClientRequest(long Id, string Kind, string Text, string Origin);

/// <param name="CommitMs">On success: milliseconds from the leader's proposal to the entry applied on the leader.</param>
/// <param name="NotFound">Refused because a named group, node or resource does not exist (HTTP 404).</param>
internal sealed record ClientResponse(long Id, bool Ok, string Message, long ConfigVersion, double CommitMs = 0, bool NotFound = false);

/// <summary>
/// An operator command as the API receives it: Verb move (Group, Node), failback (Group), admin (Node, State:
/// online|standby|maintenance), cleanup (Resource, optional Node), fence (Node).
/// </summary>
internal sealed record OperatorCall(string Verb, string? Group = null, string? Node = null, string? State = null, string? Resource = null);
