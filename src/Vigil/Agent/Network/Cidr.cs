using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Cli.Agent.Network;

/// <summary>An interface address with its prefix length: 10.0.0.5/24 (host bits allowed).</summary>
internal readonly record struct Cidr(IPAddress Address, int PrefixLength)
{
    public bool IsV6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>"-6" or "-4", for <c>ip</c>.</summary>
    public string FamilyOption => IsV6 ? "-6" : "-4";

    /// <summary>The network prefix: 10.0.0.0/24.</summary>
    public string Prefix
    {
        get
        {
            var bytes = Address.GetAddressBytes();
            for (var bit = PrefixLength; bit < bytes.Length * 8; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
            return $"{new IPAddress(bytes)}/{PrefixLength}";
        }
    }

    /// <summary>True if <paramref name="other"/> lies in this prefix.</summary>
    public bool Contains(IPAddress other)
    {
        if (other.AddressFamily != Address.AddressFamily) return false;
        var a = Address.GetAddressBytes();
        var b = other.GetAddressBytes();
        for (var bit = 0; bit < PrefixLength; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
        }
        return true;
    }

    /// <summary>Parses "ADDRESS/PREFIX" or a bare "ADDRESS" (a host prefix: /32 or /128).</summary>
    public static bool TryParse(string text, out Cidr cidr)
    {
        cidr = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address)) return false;
        address = new IPAddress(address.GetAddressBytes()); // no IPv6 scope
        var max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var prefix = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max)) return false;
        cidr = new Cidr(address, prefix);
        return true;
    }

    public override string ToString() => $"{Address}/{PrefixLength}";
}
