using System.Buffers.Binary;
using System.Numerics;

namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// SHA-256 (FIPS 180-4) in managed code, for the datagram tag (<see cref="HmacSha256"/>) and the key fingerprint.
/// Why not the framework's: on Linux it calls OpenSSL, and an idle agent tags and checks about 20 datagrams per
/// heartbeat — each call crossed into libcrypto several times (context copy, error-queue clearing), and loading
/// libcrypto and System.Security.Cryptography cost an agent about 5 MB of resident memory (docs/agent.md, Memory).
/// No secret-dependent branches or table lookups: the time taken depends only on the data's length.
/// Checked against the framework's implementation and the FIPS/RFC test vectors in Sha256Tests.
/// </summary>
internal struct Sha256
{
    public const int BlockBytes = 64;
    public const int HashBytes = 32;

    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    // The chaining state h0..h7, the bytes hashed so far and a partial block.
    private uint h0, h1, h2, h3, h4, h5, h6, h7;
    private long length;
    private Block pending;

    [System.Runtime.CompilerServices.InlineArray(BlockBytes)]
    private struct Block
    {
        private byte first;
    }

    /// <summary>A hash in its initial state.</summary>
    public static Sha256 Create() => new()
    {
        h0 = 0x6a09e667,
        h1 = 0xbb67ae85,
        h2 = 0x3c6ef372,
        h3 = 0xa54ff53a,
        h4 = 0x510e527f,
        h5 = 0x9b05688c,
        h6 = 0x1f83d9ab,
        h7 = 0x5be0cd19,
    };

    /// <summary>SHA-256 of <paramref name="data"/> into <paramref name="hash"/> (32 bytes).</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var sha = Create();
        sha.Append(data);
        sha.Finish(hash);
    }

    /// <summary>Hashes more data.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        var used = (int)(length % BlockBytes);
        length += data.Length;
        Span<byte> partial = pending;
        if (used > 0)
        {
            var take = Math.Min(BlockBytes - used, data.Length);
            data[..take].CopyTo(partial[used..]);
            data = data[take..];
            if (used + take < BlockBytes) return;
            Compress(partial);
        }
        while (data.Length >= BlockBytes)
        {
            Compress(data[..BlockBytes]);
            data = data[BlockBytes..];
        }
        data.CopyTo(partial);
    }

    /// <summary>Pads, and writes the 32-byte hash into <paramref name="hash"/>. The state is used up.</summary>
    public void Finish(Span<byte> hash)
    {
        var bits = (ulong)length * 8;
        var used = (int)(length % BlockBytes);
        Span<byte> tail = stackalloc byte[2 * BlockBytes];
        tail.Clear();
        ((ReadOnlySpan<byte>)pending)[..used].CopyTo(tail);
        tail[used] = 0x80;
        var total = used + 1 + 8 <= BlockBytes ? BlockBytes : 2 * BlockBytes;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(total - 8)..], bits);
        Compress(tail[..BlockBytes]);
        if (total > BlockBytes) Compress(tail[BlockBytes..]);
        WriteHash(hash);
    }

    private readonly void WriteHash(Span<byte> into)
    {
        BinaryPrimitives.WriteUInt32BigEndian(into, h0);
        BinaryPrimitives.WriteUInt32BigEndian(into[4..], h1);
        BinaryPrimitives.WriteUInt32BigEndian(into[8..], h2);
        BinaryPrimitives.WriteUInt32BigEndian(into[12..], h3);
        BinaryPrimitives.WriteUInt32BigEndian(into[16..], h4);
        BinaryPrimitives.WriteUInt32BigEndian(into[20..], h5);
        BinaryPrimitives.WriteUInt32BigEndian(into[24..], h6);
        BinaryPrimitives.WriteUInt32BigEndian(into[28..], h7);
    }

    private void Compress(ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (var t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        for (var t = 16; t < 64; t++)
        {
            var s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            var s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
        var k = RoundConstants;
        for (var t = 0; t < 64; t++)
        {
            var sum1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            var choice = (e & f) ^ (~e & g);
            var t1 = h + sum1 + choice + k[t] + w[t];
            var sum0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            var majority = (a & b) ^ (a & c) ^ (b & c);
            var t2 = sum0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h0 += a;
        h1 += b;
        h2 += c;
        h3 += d;
        h4 += e;
        h5 += f;
        h6 += g;
        h7 += h;
    }
}
