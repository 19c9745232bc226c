namespace Vigil.Cli.Agent.Wire;

/// <summary>The truncated HMAC-SHA256 tag that ends every datagram (see <see cref="WireFormat"/>).</summary>
internal static class DatagramTag
{
    /// <summary>Writes the tag of <paramref name="datagram"/>'s leading bytes into its last <see cref="WireFormat.TagBytes"/> bytes.</summary>
    public static void Write(ClusterKey key, Span<byte> datagram)
    {
        Span<byte> mac = stackalloc byte[HmacSha256.MacBytes];
        var tagAt = datagram.Length - WireFormat.TagBytes;
        key.Mac(datagram[..tagAt], mac);
        mac[..WireFormat.TagBytes].CopyTo(datagram[tagAt..]);
    }

    /// <summary>True when the last <see cref="WireFormat.TagBytes"/> bytes are the tag of the rest (constant-time compare).</summary>
    public static bool Verify(ClusterKey key, ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < WireFormat.TagBytes) return false;
        Span<byte> mac = stackalloc byte[HmacSha256.MacBytes];
        var tagAt = datagram.Length - WireFormat.TagBytes;
        key.Mac(datagram[..tagAt], mac);
        return HmacSha256.FixedTimeEquals(mac[..WireFormat.TagBytes], datagram[tagAt..]);
    }
}
