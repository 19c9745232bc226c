using System.Net;
using Vigil.Cli.Agent.Network;

namespace Vigil.Agent.Tests.Network;

/// <summary>The byte layouts of the network layer, without a network: netlink, ICMP echo, ARP, NA, CIDR, routes.</summary>
public sealed class PacketFormatTests
{
    [Fact]
    public void Netlink_datagrams_split_into_messages_and_attributes()
    {
        var a = Netlink.Request(Netlink.NewLink, Netlink.FlagMulti, 7, Link(index: 2, flags: LinkInfo.IffUp | LinkInfo.IffRunning | LinkInfo.IffLowerUp),
            (3, "d0\0"u8.ToArray()), (1, [1, 2, 3, 4, 5, 6]));
        var b = Netlink.Request(Netlink.NewLink, Netlink.FlagMulti, 7, Link(index: 3, flags: LinkInfo.IffUp), (3, "eth1\0"u8.ToArray()));
        var bridge = Netlink.Request(Netlink.DelLink, 0, 0, Link(index: 3, flags: 0, family: 7), (3, "eth1\0"u8.ToArray()));
        var done = Netlink.Request(Netlink.Done, Netlink.FlagMulti, 7, new byte[4]);
        byte[] datagram = [.. a, .. b, .. bridge, .. done];

        var messages = Netlink.Split(datagram, datagram.Length);
        Assert.Equal([Netlink.NewLink, Netlink.NewLink, Netlink.DelLink, Netlink.Done], messages.Select(m => m.Type));
        var d0 = LinkInfo.Parse(datagram, messages[0])!;
        Assert.Equal(("d0", 2, "01:02:03:04:05:06"), (d0.Name, d0.Index, d0.MacText));
        Assert.Equal(new Vigil.Core.Interfaces.LinkFacts(true, true, true), d0.Facts);
        Assert.Equal(new Vigil.Core.Interfaces.LinkFacts(true, true, false), LinkInfo.Parse(datagram, messages[1])!.Facts);
        Assert.Null(LinkInfo.Parse(datagram, messages[2])); // AF_BRIDGE: a port left a bridge, not a deleted link
        Assert.Equal(2, Netlink.Split(datagram, a.Length + b.Length - 1).Count + 1); // a truncated message is dropped
    }

    [Fact]
    public void Netlink_errors_and_addresses_parse()
    {
        var error = Netlink.Request(Netlink.Error, 0, 9, BitConverter.GetBytes(-19));
        Assert.Equal(19, Netlink.ErrorNumber(error, Netlink.Split(error, error.Length)[0]));

        byte[] ifaddr = [2, 24, 0, 0, .. BitConverter.GetBytes(5)];
        var message = Netlink.Request(Netlink.NewAddress, 0, 1, ifaddr, (1, [10, 0, 0, 255]), (2, [10, 0, 0, 5]));
        var parsed = InterfaceAddress.Parse(message, Netlink.Split(message, message.Length)[0]);
        Assert.Equal(new InterfaceAddress(5, IPAddress.Parse("10.0.0.5"), 24), parsed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Echo_replies_are_recognised_by_identifier_and_cookie(bool v6)
    {
        var request = IcmpEcho.Request(v6, 0x1234, 0xC0FFEE, 5_000_000_000);
        if (!v6) Assert.Equal(0, IcmpEcho.Checksum(request)); // a correct checksum sums to zero
        var reply = (byte[])request.Clone();
        reply[0] = v6 ? (byte)129 : (byte)0;
        byte[] ipHeader = [0x46, .. new byte[23]]; // IHL 6: a header with options
        byte[] delivered = v6 ? reply : [.. ipHeader, .. reply];

        Assert.True(IcmpEcho.TryParseReply(v6, delivered, 0x1234, 0xC0FFEE, out var sequence));
        Assert.Equal(5_000_000_000, sequence);
        Assert.False(IcmpEcho.TryParseReply(v6, delivered, 0x1235, 0xC0FFEE, out _));
        Assert.False(IcmpEcho.TryParseReply(v6, delivered, 0x1234, 0xC0FFEF, out _));
        Assert.False(IcmpEcho.TryParseReply(v6, v6 ? request : [.. ipHeader, .. request], 0x1234, 0xC0FFEE, out _));
        Assert.False(IcmpEcho.TryParseReply(v6, delivered.AsSpan(0, delivered.Length - 1), 0x1234, 0xC0FFEE, out _));
    }

    [Fact]
    public void Gratuitous_arp_and_neighbour_advertisement_layouts()
    {
        byte[] mac = [2, 0, 0, 0, 0, 1];
        var frame = GratuitousArp.Frame(mac, IPAddress.Parse("10.50.0.99"));
        Assert.Equal(60, frame.Length);
        string[] fields = ["FFFFFFFFFFFF", "020000000001", "0806", "0001", "0800", "06", "04", "0001", "020000000001", "0A320063", "000000000000", "0A320063"];
        Assert.Equal(string.Concat(fields), Convert.ToHexString(frame, 0, 42));
        Assert.All(frame[42..], b => Assert.Equal(0, b));

        var na = UnsolicitedAdvertisement.Packet(mac, IPAddress.Parse("fd50::99"));
        string[] naFields = ["88", "00", "0000", "20000000", "FD500000000000000000000000000099", "02", "01", "020000000001"];
        Assert.Equal(string.Concat(naFields), Convert.ToHexString(na));
    }

    [Theory]
    [InlineData("10.50.0.99/24", true, "10.50.0.0/24", "10.50.0.1", true)]
    [InlineData("10.50.0.99", true, "10.50.0.99/32", "10.50.0.98", false)]
    [InlineData("fd50::99/64", true, "fd50::/64", "fd50::1", true)]
    [InlineData("10.50.0.99/33", false, "", "", false)]
    [InlineData("10.50.0.300/24", false, "", "", false)]
    public void Cidrs_parse(string text, bool valid, string prefix, string other, bool contains)
    {
        Assert.Equal(valid, Cidr.TryParse(text, out var cidr));
        if (!valid) return;
        Assert.Equal(prefix, cidr.Prefix);
        Assert.Equal(contains, cidr.Contains(IPAddress.Parse(other)));
    }

    [Theory]
    [InlineData("10.50.0.0/24 dev d1 proto kernel scope link src 10.50.0.12 linkdown", "10.50.0.0/24 dev d1 proto kernel scope link src 10.50.0.12")]
    [InlineData("default via 10.50.0.1 dev d0 onlink", "default via 10.50.0.1 dev d1 onlink")]
    [InlineData("192.0.2.0/24 via 10.60.0.2 dev m0", null)]
    [InlineData("10.50.0.0/24 dev d0 proto kernel scope link src 10.50.0.11", null)]
    [InlineData("unreachable 198.51.100.0/24", null)]
    [InlineData("\tnexthop via 10.50.0.1 dev d1 weight 1", null)]
    [InlineData("2001:db8::/64 dev d1 proto ra metric 100 expires 86391sec pref medium", "2001:db8::/64 dev d1 proto ra metric 100 pref medium")]
    public void Main_table_routes_are_copied_for_the_interface(string line, string? copy)
    {
        Cidr.TryParse(line.Contains("2001", StringComparison.Ordinal) ? "2001:db8::5/64" : "10.50.0.99/24", out var cidr);
        var words = SourceRouting.CopyOf(line, "d1", cidr);
        Assert.Equal(copy, words is null ? null : string.Join(' ', words));
    }

    private static byte[] Link(int index, uint flags, byte family = 0)
    {
        var body = new byte[16];
        body[0] = family;
        BitConverter.TryWriteBytes(body.AsSpan(4), index);
        BitConverter.TryWriteBytes(body.AsSpan(8), flags);
        return body;
    }
}
