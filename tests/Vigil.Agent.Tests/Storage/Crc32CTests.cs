using System.Text;
using Vigil.Cli.Agent.Storage;

namespace Vigil.Agent.Tests.Storage;

public sealed class Crc32CTests
{
    [Fact]
    public void Matches_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Matches_known_vectors()
    {
        Assert.Equal(0u, Crc32C.Compute([]));
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));                      // RFC 3720 B.4: 32 bytes of zeros
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray())); // 32 bytes of ones
    }

    [Fact]
    public void Can_be_computed_in_pieces()
    {
        var data = Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog");
        Assert.Equal(Crc32C.Compute(data), Crc32C.Append(Crc32C.Compute(data.AsSpan(0, 10)), data.AsSpan(10)));
    }
}
