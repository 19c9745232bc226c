using Vigil.Cli.Agent.Wire;
using static Vigil.Agent.Tests.Wire.WireKit;

namespace Vigil.Agent.Tests.Wire;

/// <summary>Altered, truncated and random datagrams are dropped and counted, never accepted, never thrown.</summary>
public sealed class HostileInputTests
{
    [Fact]
    public void Every_single_byte_change_is_dropped()
    {
        var original = Sealer().Seal(MessageKind.Raft, Body(24))[0];
        var opener = Opener();
        var drops = 0;
        for (var position = 0; position < original.Length; position++)
        {
            for (var flip = 1; flip < 256; flip++)
            {
                var tampered = (byte[])original.Clone();
                tampered[position] ^= (byte)flip;
                var result = opener.Open(tampered, At(0));
                Assert.True(result.IsDropped, $"byte {position} ^ {flip} was accepted");
                var expected = position is >= 4 and < 8
                    ? new[] { DropReason.ForeignCluster }
                    : [DropReason.BadTag, DropReason.Malformed];
                Assert.Contains(result.Drop, expected);
                drops++;
            }
        }
        Assert.Equal(drops, opener.Counters.Dropped(DropReason.BadTag) + opener.Counters.Dropped(DropReason.Malformed)
            + opener.Counters.Dropped(DropReason.ForeignCluster));
        Assert.Equal(0, opener.Counters.AcceptedDatagrams);
        Assert.NotNull(opener.Open(original, At(0)).Message); // no tampered copy consumed its sequence
    }

    [Fact]
    public void Every_truncation_is_dropped()
    {
        var original = Sealer().Seal(MessageKind.Raft, Body(100))[0];
        var opener = Opener();
        for (var length = 0; length < original.Length; length++)
        {
            var result = opener.Open(original.AsSpan(0, length), At(0));
            Assert.True(result.IsDropped, $"{length} bytes accepted");
            Assert.Contains(result.Drop, new[] { DropReason.Malformed, DropReason.BadTag });
        }
        Assert.Equal(original.Length, opener.Counters.Dropped(DropReason.Malformed) + opener.Counters.Dropped(DropReason.BadTag));
    }

    [Fact]
    public void Trailing_bytes_are_malformed()
    {
        var original = Sealer().Seal(MessageKind.Raft, Body(10))[0];
        var result = Opener().Open([.. original, 0], At(0));
        Assert.Equal(DropReason.Malformed, result.Drop);
    }

    [Theory]
    [InlineData(0, "too short (0 bytes)")]
    [InlineData(1, "not a vigil datagram (bad magic)")]
    [InlineData(2, "unsupported format version 2 (expected 1)")]
    [InlineData(3, "sender name length 0 out of range 1-64")]
    [InlineData(4, "sender name length 65 out of range 1-64")]
    [InlineData(5, "fragment count 0 out of range 1-1024")]
    [InlineData(6, "fragment count 1025 out of range 1-1024")]
    [InlineData(7, "fragment index 3 not below fragment count 3")]
    public void Structural_errors_are_explained(int variant, string detail)
    {
        byte[] datagram = variant switch
        {
            0 => [],
            1 => "XYZ\u0001abcdefgh"u8.ToArray(),
            2 => Version(Craft(), 2),
            3 => NameLength(Craft(), 0),
            4 => NameLength(Craft(), 65),
            5 => Craft(count: 0),
            6 => Craft(count: 1025),
            _ => Craft(index: 3, count: 3),
        };
        var result = Opener().Open(datagram, At(0));
        Assert.Equal(DropReason.Malformed, result.Drop);
        Assert.Equal(detail, result.Detail);
    }

    [Fact]
    public void Random_garbage_is_all_dropped()
    {
        var random = new Random(7);
        var opener = Opener();
        var valid = Sealer().Seal(MessageKind.Raft, Body(40))[0];
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(0, i % 100 == 0 ? 70_000 : 200);
            var garbage = new byte[length];
            random.NextBytes(garbage);
            if (i % 2 == 0 && length >= 9) valid.AsSpan(0, 9).CopyTo(garbage); // plausible prefix: magic, version, cluster, name length
            Assert.True(opener.Open(garbage, At(0)).IsDropped);
        }
        Assert.Equal(0, opener.Counters.AcceptedDatagrams);
        Assert.Equal(20_000, opener.Counters.Snapshot().Where(c => !c.Key.StartsWith("accepted", StringComparison.Ordinal)).Sum(c => c.Value));
    }

    private static byte[] Version(byte[] d, byte version)
    {
        d[3] = version;
        return d;
    }

    private static byte[] NameLength(byte[] d, byte length)
    {
        d[8] = length;
        return d;
    }
}
