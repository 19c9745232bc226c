namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// HMAC-SHA256 (RFC 2104) under one key, on <see cref="Sha256"/>. The hash states after the key's inner and outer
/// pad blocks are computed once; each MAC copies them (value types), so it is thread-safe without locks or
/// per-thread contexts, and costs the message's blocks plus one outer block.
/// </summary>
internal sealed class HmacSha256
{
    public const int MacBytes = Sha256.HashBytes;

    private readonly Sha256 inner;
    private readonly Sha256 outer;

    /// <summary>A MAC under <paramref name="key"/> (at most one block, 64 bytes, as the cluster key's 32 are).</summary>
    public HmacSha256(ReadOnlySpan<byte> key)
    {
        if (key.Length > Sha256.BlockBytes) throw new ArgumentException($"key of {key.Length} bytes; at most {Sha256.BlockBytes}", nameof(key));
        Span<byte> pad = stackalloc byte[Sha256.BlockBytes];
        inner = Sha256.Create();
        outer = Sha256.Create();
        Pad(key, pad, 0x36);
        inner.Append(pad);
        Pad(key, pad, 0x5c);
        outer.Append(pad);
        pad.Clear();
    }

    /// <summary>HMAC-SHA256 of <paramref name="data"/> into <paramref name="mac"/> (32 bytes).</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        Span<byte> innerHash = stackalloc byte[Sha256.HashBytes];
        var hash = inner;
        hash.Append(data);
        hash.Finish(innerHash);
        hash = outer;
        hash.Append(innerHash);
        hash.Finish(mac);
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are equal, in time that depends only on their length.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.NoOptimization)]
    public static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) return false;
        var difference = 0;
        for (var i = 0; i < a.Length; i++) difference |= a[i] ^ b[i];
        return difference == 0;
    }

    private static void Pad(ReadOnlySpan<byte> key, Span<byte> pad, byte with)
    {
        pad.Fill(with);
        for (var i = 0; i < key.Length; i++) pad[i] ^= key[i];
    }
}
