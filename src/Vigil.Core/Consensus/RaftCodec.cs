using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;

namespace Vigil.Core.Consensus;

/// <summary>
/// Binary encoding of Raft values for the wire and for storage: little-endian integers, length-prefixed UTF-8
/// strings and byte arrays. Decoding never trusts a length: a short or malformed buffer raises
/// <see cref="FormatException"/> (the caller drops the packet or truncates the record).
/// </summary>
public static class RaftCodec
{
    /// <summary>Longest string (node name) accepted when decoding.</summary>
    public const int MaxStringBytes = 1024;

    /// <summary>Largest byte payload accepted when decoding (a snapshot or an entry).</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    /// <summary>Most voters a membership may list when decoding.</summary>
    public const int MaxVoters = 1024;

    /// <summary>Most entries one append may carry when decoding.</summary>
    public const int MaxEntries = 100_000;

    private enum Kind : byte { PreVote = 1, PreVoteResponse, Vote, VoteResponse, Append, AppendResponse, Snapshot }

    public static byte[] Encode(RaftMessage message)
    {
        var w = new Writer();
        switch (message)
        {
            case PreVoteRequest m: Head(w, Kind.PreVote, m); w.Long(m.LastIndex); w.Long(m.LastTerm); break;
            case PreVoteResponse m: Head(w, Kind.PreVoteResponse, m); w.Bool(m.Granted); break;
            case VoteRequest m: Head(w, Kind.Vote, m); w.Long(m.LastIndex); w.Long(m.LastTerm); break;
            case VoteResponse m: Head(w, Kind.VoteResponse, m); w.Bool(m.Granted); break;
            case AppendRequest m:
                Head(w, Kind.Append, m);
                w.Long(m.PrevIndex); w.Long(m.PrevTerm); w.Long(m.Commit);
                w.Int(m.Entries.Length);
                foreach (var e in m.Entries) WriteEntry(w, e);
                break;
            case AppendResponse m: Head(w, Kind.AppendResponse, m); w.Bool(m.Success); w.Long(m.MatchIndex); w.Long(m.HintIndex); break;
            case SnapshotRequest m: Head(w, Kind.Snapshot, m); WriteSnapshot(w, m.Snapshot); break;
            default: throw new ArgumentException($"unknown raft message {message.GetType().Name}", nameof(message));
        }
        return w.ToArray();
    }

    public static RaftMessage DecodeMessage(ReadOnlySpan<byte> bytes)
    {
        var r = new Reader(bytes);
        var kind = (Kind)r.Byte();
        var (from, to, term) = (r.String(), r.String(), r.Long());
        RaftMessage message = kind switch
        {
            Kind.PreVote => new PreVoteRequest(from, to, term, r.Long(), r.Long()),
            Kind.PreVoteResponse => new PreVoteResponse(from, to, term, r.Bool()),
            Kind.Vote => new VoteRequest(from, to, term, r.Long(), r.Long()),
            Kind.VoteResponse => new VoteResponse(from, to, term, r.Bool()),
            Kind.Append => ReadAppend(ref r, from, to, term),
            Kind.AppendResponse => new AppendResponse(from, to, term, r.Bool(), r.Long(), r.Long()),
            Kind.Snapshot => new SnapshotRequest(from, to, term, ReadSnapshot(ref r)),
            _ => throw new FormatException($"unknown raft message kind {(byte)kind}"),
        };
        r.End();
        return message;
    }

    public static byte[] Encode(LogEntry entry)
    {
        var w = new Writer();
        WriteEntry(w, entry);
        return w.ToArray();
    }

    public static LogEntry DecodeEntry(ReadOnlySpan<byte> bytes)
    {
        var r = new Reader(bytes);
        var entry = ReadEntry(ref r);
        r.End();
        return entry;
    }

    public static byte[] Encode(Snapshot snapshot)
    {
        var w = new Writer();
        WriteSnapshot(w, snapshot);
        return w.ToArray();
    }

    public static Snapshot DecodeSnapshot(ReadOnlySpan<byte> bytes)
    {
        var r = new Reader(bytes);
        var snapshot = ReadSnapshot(ref r);
        r.End();
        return snapshot;
    }

    public static byte[] Encode(HardState state)
    {
        var w = new Writer();
        w.Long(state.Term); w.NullableString(state.VotedFor); w.Long(state.Commit);
        return w.ToArray();
    }

    public static HardState DecodeHardState(ReadOnlySpan<byte> bytes)
    {
        var r = new Reader(bytes);
        var state = new HardState(r.Long(), r.NullableString(), r.Long());
        r.End();
        return state;
    }

    private static void Head(Writer w, Kind kind, RaftMessage m)
    {
        w.Byte((byte)kind); w.String(m.From); w.String(m.To); w.Long(m.Term);
    }

    private static AppendRequest ReadAppend(ref Reader r, string from, string to, long term)
    {
        var (prevIndex, prevTerm, commit) = (r.Long(), r.Long(), r.Long());
        var count = r.Count(MaxEntries);
        var entries = ImmutableArray.CreateBuilder<LogEntry>(count);
        for (var i = 0; i < count; i++) entries.Add(ReadEntry(ref r));
        return new AppendRequest(from, to, term, prevIndex, prevTerm, entries.MoveToImmutable(), commit);
    }

    private static void WriteEntry(Writer w, LogEntry e)
    {
        w.Long(e.Index); w.Long(e.Term); w.Bytes(e.Data);
        w.Bool(e.Membership is not null);
        if (e.Membership is not null) WriteMembership(w, e.Membership);
    }

    private static LogEntry ReadEntry(ref Reader r)
    {
        var (index, term, data) = (r.Long(), r.Long(), r.Bytes());
        var membership = r.Bool() ? ReadMembership(ref r) : null;
        return new LogEntry(index, term, data, membership);
    }

    private static void WriteSnapshot(Writer w, Snapshot s)
    {
        w.Long(s.Index); w.Long(s.Term); WriteMembership(w, s.Membership); w.Bytes(s.Data);
    }

    private static Snapshot ReadSnapshot(ref Reader r) => new(r.Long(), r.Long(), ReadMembership(ref r), r.Bytes());

    private static void WriteMembership(Writer w, RaftMembership m)
    {
        w.Int(m.Voters.Count);
        foreach (var v in m.Voters) w.String(v);
        w.NullableString(m.Tiebreaker);
    }

    private static RaftMembership ReadMembership(ref Reader r)
    {
        var count = r.Count(MaxVoters);
        var voters = new List<string>(count);
        for (var i = 0; i < count; i++) voters.Add(r.String());
        return RaftMembership.Of(voters, r.NullableString());
    }

    private sealed class Writer
    {
        private readonly List<byte> buffer = new(64);

        public void Byte(byte b) => buffer.Add(b);

        public void Bool(bool b) => buffer.Add(b ? (byte)1 : (byte)0);

        public void Int(int v)
        {
            Span<byte> s = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(s, v);
            foreach (var b in s) buffer.Add(b);
        }

        public void Long(long v)
        {
            Span<byte> s = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(s, v);
            foreach (var b in s) buffer.Add(b);
        }

        public void Bytes(byte[] data)
        {
            Int(data.Length);
            buffer.AddRange(data);
        }

        public void String(string s) => Bytes(Encoding.UTF8.GetBytes(s));

        public void NullableString(string? s)
        {
            Bool(s is not null);
            if (s is not null) String(s);
        }

        public byte[] ToArray() => [.. buffer];
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> bytes = bytes;
        private int at;

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || at + n > bytes.Length) throw new FormatException($"truncated: needed {n} bytes at offset {at} of {bytes.Length}");
            var span = bytes.Slice(at, n);
            at += n;
            return span;
        }

        public byte Byte() => Take(1)[0];

        public bool Bool() => Byte() switch
        {
            0 => false,
            1 => true,
            var b => throw new FormatException($"invalid boolean {b} at offset {at - 1}"),
        };

        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public int Count(int max)
        {
            var n = Int();
            if (n < 0 || n > max) throw new FormatException($"count {n} out of range 0–{max}");
            return n;
        }

        public byte[] Bytes() => Take(Count(MaxBytes)).ToArray();

        public string String()
        {
            var n = Count(MaxStringBytes);
            return Encoding.UTF8.GetString(Take(n));
        }

        public string? NullableString() => Bool() ? String() : null;

        public readonly void End()
        {
            if (at != bytes.Length) throw new FormatException($"{bytes.Length - at} unexpected bytes after the value");
        }
    }
}
