using System.Net;
using System.Text;
using Vigil.Core.Interfaces;

namespace Vigil.Cli.Agent.Network;

/// <summary>One interface as an RTM_NEWLINK message describes it.</summary>
/// <param name="Name">IFLA_IFNAME.</param>
/// <param name="Index">ifi_index.</param>
/// <param name="Flags">ifi_flags (IFF_*).</param>
/// <param name="Mac">IFLA_ADDRESS: the link-layer address, or null when it has none.</param>
internal sealed record LinkInfo(string Name, int Index, uint Flags, byte[]? Mac)
{
    public const uint IffUp = 0x1;
    public const uint IffRunning = 0x40;
    public const uint IffLowerUp = 0x10000;
    private const int IfInfoSize = 16; // struct ifinfomsg
    private const ushort AttributeAddress = 1;
    private const ushort AttributeName = 3;

    /// <summary>Exists; AdminUp = IFF_UP; Running = IFF_RUNNING and IFF_LOWER_UP (operationally up with carrier).</summary>
    public LinkFacts Facts => new(true, (Flags & IffUp) != 0, (Flags & IffRunning) != 0 && (Flags & IffLowerUp) != 0);

    /// <summary>The MAC as text (aa:bb:…), or "" when there is none.</summary>
    public string MacText => Mac is null ? "" : string.Join(':', Mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>
    /// Parses an RTM_NEWLINK / RTM_DELLINK payload. Null for messages of another family: the bridge sends
    /// AF_BRIDGE link messages about its ports (an RTM_DELLINK when a port leaves the bridge) that do not mean
    /// the interface changed or disappeared.
    /// </summary>
    public static LinkInfo? Parse(byte[] buffer, NetlinkMessage message)
    {
        if (message.Length < IfInfoSize || buffer[message.Offset] != 0) return null; // ifi_family must be AF_UNSPEC
        var index = BitConverter.ToInt32(buffer, message.Offset + 4);
        var flags = BitConverter.ToUInt32(buffer, message.Offset + 8);
        string? name = null;
        byte[]? mac = null;
        foreach (var (type, offset, length) in Netlink.Attributes(buffer, message.Offset + IfInfoSize, message.Offset + message.Length))
        {
            if (type == AttributeName) name = Encoding.UTF8.GetString(buffer, offset, length).TrimEnd('\0');
            else if (type == AttributeAddress && length > 0) mac = buffer.AsSpan(offset, length).ToArray();
        }
        return name is null ? null : new LinkInfo(name, index, flags, mac);
    }
}

/// <summary>One address of an interface, as RTM_NEWADDR describes it.</summary>
/// <param name="Index">The interface's ifindex.</param>
/// <param name="Address">IFA_LOCAL, else IFA_ADDRESS.</param>
/// <param name="PrefixLength">ifa_prefixlen.</param>
internal readonly record struct InterfaceAddress(int Index, IPAddress Address, int PrefixLength)
{
    private const int IfAddrSize = 8; // struct ifaddrmsg
    private const ushort AttributeAddress = 1;
    private const ushort AttributeLocal = 2;

    /// <summary>Parses an RTM_NEWADDR payload; null if it carries no usable address.</summary>
    public static InterfaceAddress? Parse(byte[] buffer, NetlinkMessage message)
    {
        if (message.Length < IfAddrSize) return null;
        var prefix = buffer[message.Offset + 1];
        var index = BitConverter.ToInt32(buffer, message.Offset + 4);
        IPAddress? address = null, local = null;
        foreach (var (type, offset, length) in Netlink.Attributes(buffer, message.Offset + IfAddrSize, message.Offset + message.Length))
        {
            if (length is not (4 or 16)) continue;
            var value = new IPAddress(buffer.AsSpan(offset, length));
            if (type == AttributeLocal) local = value;
            else if (type == AttributeAddress) address = value;
        }
        var chosen = local ?? address;
        return chosen is null ? null : new InterfaceAddress(index, chosen, prefix);
    }
}
