using System.Buffers;
using System.Buffers.Binary;

namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// The Raft log file, <c>&lt;dataDir&gt;/raft/log</c>: a sequence of records, each
/// <code>
///   [u32 payload length][u32 CRC-32C of (type byte + payload)][u8 type][payload]
/// </code>
/// (integers little-endian, header <see cref="HeaderSize"/> bytes, payload at most <see cref="MaxPayloadBytes"/>).
/// Types (<see cref="LogRecordType"/>): Entry (a <c>RaftCodec</c> entry), HardState (a <c>RaftCodec</c> hard
/// state), Truncate (u64 fromIndex: entries at or after it are void) and SnapshotMark (u64 index, u64 term:
/// entries at or below index are void, and all of them if the log did not hold index with that term).
/// <para>
/// Loading replays the records in order. The first record that is short (its header or payload runs past the end
/// of the file), has an impossible length, fails its CRC, does not decode, or does not fit the log (an entry that
/// does not follow the last one) ends the valid log: the file is truncated there. Since the log is only ever
/// appended to and every acknowledged write was fsynced, such a tail is a write that a crash (kill -9, power loss)
/// interrupted before its fsync, so no acknowledged entry is lost.
/// </para>
/// </summary>
internal static class LogFraming
{
    /// <summary>Length (4) + CRC (4) + type (1).</summary>
    public const int HeaderSize = 9;

    /// <summary>Longest payload a record may have; a longer length field means a corrupt header.</summary>
    public const int MaxPayloadBytes = 64 * 1024 * 1024;

    /// <summary>Appends <paramref name="record"/>, framed, to <paramref name="to"/>; returns its size in the file.</summary>
    public static int Write(IBufferWriter<byte> to, LogRecord record)
    {
        var payload = record.EncodePayload();
        if (payload.Length > MaxPayloadBytes)
            throw new ArgumentException($"a {record.Type} record of {payload.Length} bytes exceeds the log's limit of {MaxPayloadBytes} bytes", nameof(record));
        var size = HeaderSize + payload.Length;
        var span = to.GetSpan(size)[..size];
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payload.Length);
        span[8] = (byte)record.Type;
        payload.CopyTo(span[HeaderSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32C.Compute(span[8..]));
        to.Advance(size);
        return size;
    }

    /// <summary>The payload length in a record header.</summary>
    public static uint PayloadLength(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header);

    /// <summary>Whether the CRC in <paramref name="header"/> matches its type byte followed by <paramref name="payload"/>.</summary>
    public static bool CrcMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == Crc32C.Append(Crc32C.Compute(header.Slice(8, 1)), payload);
}
