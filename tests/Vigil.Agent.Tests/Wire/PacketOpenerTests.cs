using Vigil.Cli.Agent.Wire;
using static Vigil.Agent.Tests.Wire.WireKit;

namespace Vigil.Agent.Tests.Wire;

/// <summary>Sealing and opening single datagrams: acceptance and each drop reason.</summary>
public sealed class PacketOpenerTests
{
    [Fact]
    public void Sealed_message_opens_to_the_same_message()
    {
        var body = Body(1234);
        var datagrams = Sealer().Seal(MessageKind.Report, body);
        var datagram = Assert.Single(datagrams);
        Assert.Equal(58 + 2 + 1234, datagram.Length);
        var opener = Opener();
        var result = opener.Open(datagram, At(0));
        Assert.False(result.IsDropped);
        Assert.False(result.IsPending);
        Assert.Equal(new WireMessage("n2", 100, MessageKind.Report, body).Sender, result.Message!.Sender);
        Assert.Equal(100ul, result.Message.Epoch);
        Assert.Equal(MessageKind.Report, result.Message.Kind);
        Assert.Equal(body, result.Message.Body);
        Assert.Equal("n2", result.Sender);
        Assert.Equal(1, opener.Counters.AcceptedDatagrams);
        Assert.Equal(1, opener.Counters.AcceptedMessages);
    }

    [Fact]
    public void Empty_body_round_trips()
    {
        var result = Opener().Open(Sealer().Seal(MessageKind.Heartbeat, [])[0], At(0));
        Assert.Empty(result.Message!.Body);
    }

    [Fact]
    public void Successive_messages_all_open()
    {
        var sealer = Sealer();
        var opener = Opener();
        for (var i = 0; i < 300; i++)
        {
            var result = opener.Open(sealer.Seal(MessageKind.Heartbeat, [(byte)i])[0], At(0));
            Assert.Equal((byte)i, result.Message!.Body[0]);
        }
    }

    [Fact]
    public void Foreign_cluster_is_named_before_checking_the_tag()
    {
        var opener = Opener();
        var other = ClusterKey.Parse(ClusterKey.Generate(), "other");
        var result = opener.Open(Sealer(clusterId: 9, key: other).Seal(MessageKind.Heartbeat, [1])[0], At(0));
        Assert.Equal(DropReason.ForeignCluster, result.Drop);
        Assert.Equal("cluster id 9 is not ours (1)", result.Detail);
        Assert.Null(result.Sender);
        Assert.Equal(1, opener.Counters.Dropped(DropReason.ForeignCluster));
    }

    [Fact]
    public void Wrong_key_is_a_bad_tag()
    {
        var other = ClusterKey.Parse(ClusterKey.Generate(), "other");
        var opener = Opener();
        var result = opener.Open(Sealer(key: other).Seal(MessageKind.Heartbeat, [1])[0], At(0));
        Assert.Equal(DropReason.BadTag, result.Drop);
        Assert.Null(result.Sender);
        Assert.Equal(1, opener.Counters.Dropped(DropReason.BadTag));
    }

    [Fact]
    public void Unknown_sender_is_dropped()
    {
        var opener = Opener();
        var result = opener.Open(Sealer(sender: "intruder").Seal(MessageKind.Heartbeat, [1])[0], At(0));
        Assert.Equal(DropReason.UnknownSender, result.Drop);
        Assert.Equal("sender 'intruder' is not a node of this cluster", result.Detail);
    }

    [Fact]
    public void Known_senders_follow_the_configuration()
    {
        var opener = Opener();
        Assert.Equal(DropReason.UnknownSender, opener.Open(Sealer(sender: "n4").Seal(MessageKind.Heartbeat, [1])[0], At(0)).Drop);
        opener.SetKnownSenders(["n1", "n2", "n4"]);
        Assert.Equal("n4", opener.Open(Sealer(sender: "n4").Seal(MessageKind.Heartbeat, [1])[0], At(0)).Message!.Sender);
        var removed = opener.Open(Sealer(sender: "n3").Seal(MessageKind.Heartbeat, [1])[0], At(0));
        Assert.Equal((DropReason.UnknownSender, "sender 'n3' is not a node of this cluster"), (removed.Drop, removed.Detail));
        Assert.Equal(DropReason.UnknownSender, Opener(self: "n2").Open(Sealer(sender: "n2").Seal(MessageKind.Heartbeat, [1])[0], At(0)).Drop);
    }

    [Fact]
    public void Own_name_is_an_unknown_sender()
    {
        var result = Opener(self: "n2").Open(Sealer(sender: "n2").Seal(MessageKind.Heartbeat, [1])[0], At(0));
        Assert.Equal(DropReason.UnknownSender, result.Drop);
        Assert.Contains("from this node", result.Detail);
    }

    [Fact]
    public void Unknown_kind_from_a_member_is_malformed()
    {
        var opener = Opener();
        var result = opener.Open(Craft(kind: 200), At(0));
        Assert.Equal(DropReason.Malformed, result.Drop);
        Assert.Equal("unknown message kind 200", result.Detail);
        Assert.Equal("n2", result.Sender);
    }

    [Fact]
    public void Sequence_zero_is_malformed() =>
        Assert.Equal(DropReason.Malformed, Opener().Open(Craft(sequence: 0), At(0)).Drop);

    [Fact]
    public void Datagram_over_the_limit_is_oversize()
    {
        var opener = Opener();
        var result = opener.Open(new byte[WireFormat.MaxDatagramBytes + 1], At(0));
        Assert.Equal(DropReason.Oversize, result.Drop);
    }

    [Fact]
    public void Sealer_refuses_bad_names_and_huge_bodies()
    {
        Assert.Throws<ArgumentException>(() => Sealer(sender: ""));
        Assert.Throws<ArgumentException>(() => Sealer(sender: new string('x', 65)));
        Assert.Throws<ArgumentException>(() => Sealer().Seal(MessageKind.Raft, new byte[WireFormat.MaxMessageBytes + 1]));
    }

    [Fact]
    public void Longest_name_and_largest_single_fragment_fit_in_a_datagram()
    {
        var name = new string('n', 64);
        var datagrams = Sealer(sender: name).Seal(MessageKind.Raft, Body(WireFormat.MaxFragmentBody));
        Assert.True(Assert.Single(datagrams).Length <= WireFormat.MaxDatagramBytes);
        var opener = new PacketOpener(ClusterId, Key, new HashSet<string> { name }, "n1");
        Assert.NotNull(opener.Open(datagrams[0], At(0)).Message);
    }

    [Fact]
    public void Snapshot_lists_every_counter()
    {
        var opener = Opener();
        opener.Open(Sealer().Seal(MessageKind.Heartbeat, [1])[0], At(0));
        opener.Open([1, 2, 3], At(0));
        var snapshot = opener.Counters.Snapshot();
        Assert.Equal(
            ["accepted_datagrams", "accepted_messages", "malformed", "foreign_cluster", "bad_tag", "unknown_sender", "replay", "oversize",
             "fragment_expired", "send_errors", "receive_errors"],
            snapshot.Keys);
        Assert.Equal(1, snapshot["accepted_messages"]);
        Assert.Equal(1, snapshot["malformed"]);
    }

    [Fact]
    public void Concurrent_sealing_and_opening_loses_nothing()
    {
        var sealer = Sealer();
        var opener = Opener();
        var datagrams = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 25; i++) datagrams.Enqueue(sealer.Seal(MessageKind.Lease, [1])[0]);
        });
        var ordered = datagrams.ToArray();
        Parallel.ForEach(ordered, d => opener.Open(d, At(0)));
        Assert.Equal(100, opener.Counters.AcceptedMessages);
    }
}
