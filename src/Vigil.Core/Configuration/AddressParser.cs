using System.Globalization;
using System.Net;

namespace Vigil.Core.Configuration;

/// <summary>Checks the address forms the configuration uses: IP:port, [IPv6]:port and IP/prefix.</summary>
public static class AddressParser
{
    /// <summary>"10.0.0.1:7400" or "[fe80::1]:7400", port 1..65535.</summary>
    public static bool TryParseEndpoint(string text, out IPEndPoint? endpoint)
    {
        endpoint = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0) return false;
        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':')) return false; // IPv6 must be bracketed
        if (!IPAddress.TryParse(host, out var address) || !IsStrict(host, address)) return false;
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return false;
        endpoint = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>"192.168.85.50/24" or "fd00::5/64"; the prefix must fit the address family.</summary>
    public static bool TryParseCidr(string text, out IPAddress? address, out int prefix)
    {
        address = null;
        prefix = 0;
        var parts = text.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var ip) || !IsStrict(parts[0], ip)) return false;
        var max = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max)
            return false;
        address = ip;
        return true;
    }

    /// <summary>A plain IPv4 or IPv6 address (probe targets).</summary>
    public static bool IsAddress(string text) => IPAddress.TryParse(text, out var ip) && IsStrict(text, ip);

    /// <summary>IPAddress.TryParse accepts "10.1" and "7"; require the full dotted form for IPv4.</summary>
    private static bool IsStrict(string text, IPAddress address) =>
        address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || text.Split('.').Length == 4;
}
