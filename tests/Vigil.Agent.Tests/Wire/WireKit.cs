using System.Text;
using Vigil.Cli.Agent.Wire;

namespace Vigil.Agent.Tests.Wire;

/// <summary>Shared fixtures for the wire tests: a cluster of n1..n3 with one key.</summary>
internal static class WireKit
{
    public const int ClusterId = 1;

    public static readonly ClusterKey Key = ClusterKey.Parse(ClusterKey.Generate(), "test key");

    public static readonly IReadOnlySet<string> Nodes = new HashSet<string> { "n1", "n2", "n3" };

    public static PacketSealer Sealer(string sender = "n2", ulong epoch = 100, ClusterKey? key = null, int clusterId = ClusterId) =>
        new(clusterId, sender, epoch, key ?? Key);

    public static PacketOpener Opener(string self = "n1", WireCounters? counters = null) =>
        new(ClusterId, Key, Nodes, self, counters);

    public static PacketOpener Opener(ReassemblyLimits limits, string self = "n1") =>
        new(ClusterId, Key, Nodes, self, null, limits);

    public static byte[] Body(int length, int seed = 1)
    {
        var body = new byte[length];
        new Random(seed).NextBytes(body);
        return body;
    }

    /// <summary>One datagram with arbitrary field values, correctly tagged with <paramref name="key"/>.</summary>
    public static byte[] Craft(string sender = "n2", ulong epoch = 100, ulong sequence = 1, byte kind = (byte)MessageKind.Raft,
        ulong messageId = 1, ushort index = 0, ushort count = 1, byte[]? body = null, ClusterKey? key = null, uint clusterId = ClusterId)
    {
        body ??= [1, 2, 3];
        var name = Encoding.UTF8.GetBytes(sender);
        var datagram = new byte[DatagramHeader.DatagramLength(name.Length, body.Length)];
        DatagramHeader.Write(datagram, clusterId, name, epoch, sequence, (MessageKind)(kind & 0x7F), (kind & 0x80) != 0, messageId, index, count, body);
        DatagramTag.Write(key ?? Key, datagram);
        return datagram;
    }

    public static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);
}
