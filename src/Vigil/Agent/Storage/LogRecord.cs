using System.Buffers.Binary;
using Vigil.Core.Consensus;

namespace Vigil.Cli.Agent.Storage;

/// <summary>The kinds of record in the Raft log file (the byte after the CRC; see <see cref="LogFraming"/>).</summary>
internal enum LogRecordType : byte
{
    /// <summary>One log entry, <see cref="RaftCodec.Encode(LogEntry)"/>.</summary>
    Entry = 1,

    /// <summary>The hard state, <see cref="RaftCodec.Encode(HardState)"/>; the last one read wins.</summary>
    HardState = 2,

    /// <summary>u64 fromIndex: entries at or after it are void (a conflicting tail replaced by the leader).</summary>
    Truncate = 3,

    /// <summary>u64 index, u64 term: a snapshot covers the log up to index; entries at or below it are void.</summary>
    SnapshotMark = 4,
}

/// <summary>One decoded record of the Raft log file.</summary>
internal abstract record LogRecord
{
    /// <summary>The record's type byte.</summary>
    public abstract LogRecordType Type { get; }

    /// <summary>The record's payload bytes (what follows the type byte in the file).</summary>
    public abstract byte[] EncodePayload();

    /// <summary>Decodes a payload of <paramref name="type"/>; throws <see cref="FormatException"/> if it is malformed.</summary>
    public static LogRecord Decode(byte type, ReadOnlySpan<byte> payload) => (LogRecordType)type switch
    {
        LogRecordType.Entry => new EntryRecord(RaftCodec.DecodeEntry(payload)),
        LogRecordType.HardState => new HardStateRecord(RaftCodec.DecodeHardState(payload)),
        LogRecordType.Truncate => new TruncateRecord(ReadLongs(payload, 1)[0]),
        LogRecordType.SnapshotMark => ReadMark(payload),
        _ => throw new FormatException($"unknown record type {type}"),
    };

    private static SnapshotMarkRecord ReadMark(ReadOnlySpan<byte> payload)
    {
        var values = ReadLongs(payload, 2);
        return new SnapshotMarkRecord(values[0], values[1]);
    }

    private static long[] ReadLongs(ReadOnlySpan<byte> payload, int count)
    {
        if (payload.Length != 8 * count) throw new FormatException($"expected {8 * count} payload bytes, found {payload.Length}");
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadInt64LittleEndian(payload.Slice(8 * i, 8));
            if (values[i] < 0) throw new FormatException($"negative index or term {values[i]}");
        }
        return values;
    }

    private protected static byte[] WriteLongs(params ReadOnlySpan<long> values)
    {
        var bytes = new byte[8 * values.Length];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), values[i]);
        return bytes;
    }
}

/// <summary>A log entry.</summary>
internal sealed record EntryRecord(LogEntry Entry) : LogRecord
{
    public override LogRecordType Type => LogRecordType.Entry;

    public override byte[] EncodePayload() => RaftCodec.Encode(Entry);
}

/// <summary>The hard state as of this point of the log.</summary>
internal sealed record HardStateRecord(HardState State) : LogRecord
{
    public override LogRecordType Type => LogRecordType.HardState;

    public override byte[] EncodePayload() => RaftCodec.Encode(State);
}

/// <summary>Entries at or after <see cref="FromIndex"/> are void.</summary>
internal sealed record TruncateRecord(long FromIndex) : LogRecord
{
    public override LogRecordType Type => LogRecordType.Truncate;

    public override byte[] EncodePayload() => WriteLongs(FromIndex);
}

/// <summary>A snapshot at (<see cref="Index"/>, <see cref="Term"/>) replaces the log up to there.</summary>
internal sealed record SnapshotMarkRecord(long Index, long Term) : LogRecord
{
    /// <summary>Size of a framed snapshot mark in the file.</summary>
    public const int FramedSize = LogFraming.HeaderSize + 16;

    public override LogRecordType Type => LogRecordType.SnapshotMark;

    public override byte[] EncodePayload() => WriteLongs(Index, Term);
}
