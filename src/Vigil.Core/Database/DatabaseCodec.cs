using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Cluster;
using Vigil.Core.Decisions;

namespace Vigil.Core.Database;

/// <summary>
/// Encodes database entries and snapshots as UTF-8 JSON behind a one-byte format tag (so the format can change
/// without ambiguity). Never produces an empty payload: an empty log entry is Raft's no-op.
/// </summary>
public static class DatabaseCodec
{
    private const byte EntryFormat = 1;
    private const byte SnapshotFormat = 1;

    internal static readonly JsonSerializerOptions Json = CreateOptions();

    public static byte[] Encode(DatabaseEntry entry) => Tagged(EntryFormat, JsonSerializer.SerializeToUtf8Bytes(Wrap(entry), Json));

    public static DatabaseEntry Decode(ReadOnlySpan<byte> data)
    {
        var wrapper = JsonSerializer.Deserialize<EntryWrapper>(Untag(data, EntryFormat, "log entry"), Json)
            ?? throw new FormatException("log entry is null");
        return (DatabaseEntry?)wrapper.Config ?? wrapper.Decisions ?? throw new FormatException("log entry holds nothing");
    }

    public static byte[] Encode(DatabaseSnapshot snapshot) => Tagged(SnapshotFormat, JsonSerializer.SerializeToUtf8Bytes(snapshot, Json));

    public static DatabaseSnapshot DecodeSnapshot(ReadOnlySpan<byte> data) =>
        JsonSerializer.Deserialize<DatabaseSnapshot>(Untag(data, SnapshotFormat, "snapshot"), Json)
        ?? throw new FormatException("snapshot is null");

    /// <summary>A decision as JSON (for `vigil events` and logs).</summary>
    public static string ToJson(Decision decision) => JsonSerializer.Serialize(decision, Json);

    private static EntryWrapper Wrap(DatabaseEntry entry) => entry switch
    {
        ConfigCommitted c => new EntryWrapper(c, null),
        DecisionsCommitted d => new EntryWrapper(null, d),
        _ => throw new ArgumentException($"unknown entry {entry.GetType().Name}", nameof(entry)),
    };

    private static byte[] Tagged(byte tag, byte[] json)
    {
        var bytes = new byte[json.Length + 1];
        bytes[0] = tag;
        json.CopyTo(bytes, 1);
        return bytes;
    }

    private static ReadOnlySpan<byte> Untag(ReadOnlySpan<byte> data, byte tag, string what)
    {
        if (data.IsEmpty) throw new FormatException($"{what} is empty");
        if (data[0] != tag) throw new FormatException($"{what} has format {data[0]}, this vigil reads format {tag}");
        return data[1..];
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            MaxDepth = 32,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>One of the entry kinds (exactly one is set).</summary>
    private sealed record EntryWrapper(ConfigCommitted? Config, DecisionsCommitted? Decisions);
}

/// <summary>The database as of a log index: the config text and the cluster state.</summary>
public sealed record DatabaseSnapshot(long ConfigVersion, string? ConfigText, ClusterState? State);
