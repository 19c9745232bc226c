using System.Security.Cryptography;
using System.Text;
using Vigil.Cli.Agent.Wire;

namespace Vigil.Agent.Tests.Wire;

/// <summary>The managed SHA-256 and HMAC-SHA256 of the datagram tag, against FIPS 180-4 / RFC 4231 vectors and the framework's.</summary>
public sealed class Sha256Tests
{
    private static string Hash(byte[] data)
    {
        var hash = new byte[Sha256.HashBytes];
        Sha256.Hash(data, hash);
        return Convert.ToHexStringLower(hash);
    }

    private static string Mac(byte[] key, byte[] data)
    {
        var mac = new byte[HmacSha256.MacBytes];
        new HmacSha256(key).Compute(data, mac);
        return Convert.ToHexStringLower(mac);
    }

    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Fips180Vectors(string text, string expected) => Assert.Equal(expected, Hash(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void MillionAs() => Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Hash(Enumerable.Repeat((byte)'a', 1_000_000).ToArray()));

    [Fact]
    public void EveryLengthAcrossBlockBoundariesMatchesTheFramework()
    {
        var random = new Random(7);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), Hash(data));
        }
    }

    [Fact]
    public void AppendInPiecesEqualsOneShot()
    {
        var data = new byte[1000];
        new Random(3).NextBytes(data);
        foreach (var piece in new[] { 1, 7, 63, 64, 65, 200 })
        {
            var sha = Sha256.Create();
            for (var at = 0; at < data.Length; at += piece) sha.Append(data.AsSpan(at, Math.Min(piece, data.Length - at)));
            var hash = new byte[32];
            sha.Finish(hash);
            Assert.Equal(Hash(data), Convert.ToHexStringLower(hash));
        }
    }

    [Fact]
    public void Rfc4231Case1And2()
    {
        Assert.Equal("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            Mac(Enumerable.Repeat((byte)0x0b, 20).ToArray(), Encoding.ASCII.GetBytes("Hi There")));
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            Mac(Encoding.ASCII.GetBytes("Jefe"), Encoding.ASCII.GetBytes("what do ya want for nothing?")));
    }

    [Fact]
    public void MacMatchesTheFrameworkForClusterKeysAndDatagramSizes()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 200; trial++)
        {
            var key = new byte[ClusterKey.KeyBytes];
            random.NextBytes(key);
            var data = new byte[random.Next(0, 1500)];
            random.NextBytes(data);
            Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, data)), Mac(key, data));
        }
    }

    [Fact]
    public void OneKeyUsedFromManyThreadsGivesTheSameMacs()
    {
        var key = new byte[32];
        new Random(5).NextBytes(key);
        var hmac = new HmacSha256(key);
        var data = Enumerable.Range(0, 64).Select(i => Enumerable.Range(0, i * 5).Select(b => (byte)(b * i)).ToArray()).ToArray();
        var expected = data.Select(d => Convert.ToHexStringLower(HMACSHA256.HashData(key, d))).ToArray();
        Parallel.For(0, 4000, i =>
        {
            var mac = new byte[32];
            hmac.Compute(data[i % 64], mac);
            Assert.Equal(expected[i % 64], Convert.ToHexStringLower(mac));
        });
    }

    [Fact]
    public void FixedTimeEqualsComparesEveryByte()
    {
        var a = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        Assert.True(HmacSha256.FixedTimeEquals(a, a.ToArray()));
        for (var i = 0; i < 16; i++)
        {
            var b = a.ToArray();
            b[i] ^= 1;
            Assert.False(HmacSha256.FixedTimeEquals(a, b));
        }
        Assert.False(HmacSha256.FixedTimeEquals(a, a.AsSpan(0, 15)));
    }
}

/// <summary>The kernel's random bytes (API token, Raft seed).</summary>
public sealed class KernelRandomTests
{
    [Fact]
    public void FillsEveryByteAndDiffersBetweenCalls()
    {
        var a = Vigil.Cli.Agent.KernelRandom.Bytes(4096);
        var b = Vigil.Cli.Agent.KernelRandom.Bytes(4096);
        Assert.NotEqual(a, b);
        // 4096 random bytes take more than 200 distinct values (a zero-filled buffer would have one).
        Assert.True(a.Distinct().Count() > 200);
    }

    [Fact]
    public void BelowStaysInRange()
    {
        var seen = new HashSet<int>();
        for (var i = 0; i < 2000; i++)
        {
            var v = Vigil.Cli.Agent.KernelRandom.Below(10);
            Assert.InRange(v, 0, 9);
            seen.Add(v);
        }
        Assert.Equal(10, seen.Count);
    }
}
