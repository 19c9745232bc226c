using System.Buffers.Binary;
using Vigil.Core.Consensus;

namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// The latest snapshot, <c>&lt;dataDir&gt;/raft/snapshot</c>:
/// <code>
///   [magic "VSNP"][u32 CRC-32C of payload][u32 payload length][payload = RaftCodec.Encode(snapshot)]
/// </code>
/// (integers little-endian), always replaced atomically (<see cref="AtomicFile"/>). A snapshot that fails its checks
/// is never ignored: the log before it is gone, so starting without it would lose committed state.
/// </summary>
internal static class SnapshotFile
{
    private const int HeaderSize = 12;

    private static ReadOnlySpan<byte> Magic => "VSNP"u8;

    /// <summary>Atomically and durably replaces the snapshot file at <paramref name="path"/> with <paramref name="snapshot"/>.</summary>
    public static void Write(string path, Snapshot snapshot, StorageCounters counters)
    {
        var payload = RaftCodec.Encode(snapshot);
        var bytes = new byte[HeaderSize + payload.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Crc32C.Compute(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)payload.Length);
        payload.CopyTo(bytes, HeaderSize);
        AtomicFile.Write(path, bytes, counters);
    }

    /// <summary>The snapshot stored at <paramref name="path"/>, or null if there is none; a <see cref="StorageException"/> if it is corrupt.</summary>
    public static Snapshot? Read(string path)
    {
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize) throw Corrupt(path, $"{bytes.Length} bytes, shorter than its header");
        if (!bytes.AsSpan(0, 4).SequenceEqual(Magic)) throw Corrupt(path, "bad magic");
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (length != bytes.Length - HeaderSize)
            throw Corrupt(path, $"length {length} but {bytes.Length - HeaderSize} payload bytes");
        var payload = bytes.AsSpan(HeaderSize);
        if (Crc32C.Compute(payload) != crc) throw Corrupt(path, "CRC mismatch");
        try
        {
            return RaftCodec.DecodeSnapshot(payload);
        }
        catch (FormatException ex)
        {
            throw Corrupt(path, $"does not decode: {ex.Message}");
        }
    }

    private static StorageException Corrupt(string path, string why) =>
        new($"snapshot {path} is corrupt ({why}); refusing to start: restore it or remove the data dir to rejoin as a new member");
}
