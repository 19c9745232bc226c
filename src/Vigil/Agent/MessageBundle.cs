using System.Buffers.Binary;
using Vigil.Cli.Agent.Wire;

namespace Vigil.Cli.Agent;

/// <summary>
/// The body of a <see cref="MessageKind.Bundle"/> message: routine messages for one peer on one network, sent
/// together with the heartbeat (one datagram, one tag, one system call each side instead of several).
/// Format: entries back to back, each <c>kind (u8) | body length (u16, little-endian) | body</c>; at least one
/// entry, none of kind Bundle, at most <see cref="MaxEntries"/>. Anything else is malformed (<see cref="FormatException"/>).
/// </summary>
internal static class MessageBundle
{
    public const int MaxEntries = 16;

    /// <summary>Largest body carried in a bundle; a larger routine message is sent on its own.</summary>
    public const int MaxEntryBytes = 1200;

    public static byte[] Encode(IReadOnlyList<(MessageKind Kind, byte[] Body)> entries)
    {
        if (entries.Count is 0 or > MaxEntries) throw new ArgumentException($"a bundle holds 1-{MaxEntries} messages, not {entries.Count}", nameof(entries));
        var size = 0;
        foreach (var (kind, body) in entries)
        {
            if (kind == MessageKind.Bundle || body.Length > MaxEntryBytes) throw new ArgumentException($"{kind} of {body.Length} bytes cannot be bundled", nameof(entries));
            size += 3 + body.Length;
        }
        var bytes = new byte[size];
        var at = 0;
        foreach (var (kind, body) in entries)
        {
            bytes[at] = (byte)kind;
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 1), (ushort)body.Length);
            body.CopyTo(bytes, at + 3);
            at += 3 + body.Length;
        }
        return bytes;
    }

    public static List<(MessageKind Kind, byte[] Body)> Decode(ReadOnlySpan<byte> bytes)
    {
        var entries = new List<(MessageKind, byte[])>(4);
        while (!bytes.IsEmpty)
        {
            if (entries.Count == MaxEntries) throw new FormatException($"bundle of more than {MaxEntries} messages");
            if (bytes.Length < 3) throw new FormatException("bundle entry header cut short");
            var kind = (MessageKind)bytes[0];
            if (kind == MessageKind.Bundle || !Enum.IsDefined(kind)) throw new FormatException($"bundle entry of kind {bytes[0]}");
            var length = BinaryPrimitives.ReadUInt16LittleEndian(bytes[1..]);
            if (length > MaxEntryBytes || bytes.Length < 3 + length) throw new FormatException($"bundle entry of {length} bytes, {bytes.Length - 3} left");
            entries.Add((kind, bytes.Slice(3, length).ToArray()));
            bytes = bytes[(3 + length)..];
        }
        if (entries.Count == 0) throw new FormatException("empty bundle");
        return entries;
    }
}
