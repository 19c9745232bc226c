using Vigil.Cli.Agent.Wire;
using static Vigil.Agent.Tests.Wire.WireKit;

namespace Vigil.Agent.Tests.Wire;

/// <summary>Fragmenting large bodies and reassembling them within the limits.</summary>
public sealed class FragmentTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public void One_MiB_body_fragments_and_reassembles()
    {
        var body = Body(MiB);
        var datagrams = Sealer().Seal(MessageKind.Raft, body);
        Assert.Equal(18, datagrams.Count);
        Assert.All(datagrams, d => Assert.True(d.Length <= WireFormat.MaxDatagramBytes));
        var opener = Opener();
        for (var i = 0; i < datagrams.Count - 1; i++) Assert.True(opener.Open(datagrams[i], At(0)).IsPending);
        var result = opener.Open(datagrams[^1], At(0));
        Assert.Equal(MessageKind.Raft, result.Message!.Kind);
        Assert.Equal(body, result.Message.Body);
        Assert.Equal(18, opener.Counters.AcceptedDatagrams);
        Assert.Equal(1, opener.Counters.AcceptedMessages);
        Assert.Equal(0, opener.PartialMessages);
    }

    [Fact]
    public void Shuffled_fragments_with_a_duplicate_reassemble_once()
    {
        var body = Body(MiB, seed: 2);
        var datagrams = Sealer().Seal(MessageKind.Raft, body).ToList();
        datagrams.Insert(5, datagrams[11]);
        var shuffled = datagrams.OrderBy(_ => Random.Shared.Next()).ToList();
        var opener = Opener();
        var messages = shuffled.Select(d => opener.Open(d, At(0))).Where(r => r.Message is not null).ToList();
        Assert.Equal(body, Assert.Single(messages).Message!.Body);
        Assert.Equal(1, opener.Counters.Dropped(DropReason.Replay));
    }

    [Fact]
    public void Two_messages_interleaved_both_complete()
    {
        var sealer = Sealer();
        var a = sealer.Seal(MessageKind.Raft, Body(200_000, 3));
        var b = sealer.Seal(MessageKind.Report, Body(130_000, 4));
        var opener = Opener();
        var results = a.Zip(b).SelectMany(p => new[] { p.First, p.Second }).Concat(a.Skip(b.Count))
            .Select(d => opener.Open(d, At(0))).Where(r => r.Message is not null).Select(r => r.Message!).ToList();
        Assert.Equal([MessageKind.Report, MessageKind.Raft], results.Select(m => m.Kind));
        Assert.Equal(130_000, results[0].Body.Length);
    }

    [Fact]
    public void Partial_older_than_five_seconds_is_discarded()
    {
        var datagrams = Sealer().Seal(MessageKind.Raft, Body(150_000));
        var opener = Opener();
        Assert.True(opener.Open(datagrams[0], At(0)).IsPending);
        Assert.True(opener.Open(datagrams[1], At(1)).IsPending);
        Assert.True(opener.Open(datagrams[2], At(6)).IsPending); // the partial expired first; this starts a new one
        Assert.Equal(1, opener.Counters.Dropped(DropReason.FragmentExpired));
        Assert.Equal(0, opener.Counters.AcceptedMessages);
    }

    [Fact]
    public void At_most_sixteen_partials_per_sender()
    {
        var sealer = Sealer();
        var messages = Enumerable.Range(0, 17).Select(i => sealer.Seal(MessageKind.Raft, Body(70_000, i))).ToList();
        var opener = Opener();
        foreach (var m in messages) Assert.True(opener.Open(m[0], At(0)).IsPending);
        Assert.Equal(16, opener.PartialMessages);
        Assert.Equal(1, opener.Counters.Dropped(DropReason.FragmentExpired));
        Assert.True(opener.Open(messages[0][1], At(0)).IsPending); // message 0 was evicted; this evicts message 1
        Assert.Equal(2, opener.Counters.Dropped(DropReason.FragmentExpired));
        Assert.NotNull(opener.Open(messages[16][1], At(0)).Message);
        Assert.Equal(15, opener.PartialMessages);
    }

    [Fact]
    public void Other_senders_do_not_evict_within_their_own_limit()
    {
        var opener = Opener();
        foreach (var sender in new[] { "n2", "n3" })
        {
            var sealer = Sealer(sender);
            for (var i = 0; i < 16; i++) Assert.True(opener.Open(sealer.Seal(MessageKind.Raft, Body(70_000))[0], At(0)).IsPending);
        }
        Assert.Equal(32, opener.PartialMessages);
        Assert.Equal(0, opener.Counters.Dropped(DropReason.FragmentExpired));
    }

    [Fact]
    public void Total_buffered_bytes_are_bounded_oldest_first()
    {
        var opener = Opener(ReassemblyLimits.Default with { MaxBufferedBytes = 250_000 });
        var a = Sealer("n2").Seal(MessageKind.Raft, Body(200_000, 1));
        var b = Sealer("n3").Seal(MessageKind.Raft, Body(200_000, 2));
        Assert.True(opener.Open(a[0], At(0)).IsPending);
        Assert.True(opener.Open(a[1], At(0)).IsPending); // 120,000 buffered
        Assert.True(opener.Open(b[0], At(0)).IsPending);
        Assert.True(opener.Open(b[1], At(0)).IsPending); // 240,000
        Assert.True(opener.Open(b[2], At(0)).IsPending); // 300,000: a is evicted
        Assert.Equal(1, opener.Counters.Dropped(DropReason.FragmentExpired));
        Assert.NotNull(opener.Open(b[3], At(0)).Message);
        Assert.True(opener.Open(a[2], At(0)).IsPending);
        Assert.True(opener.Open(a[3], At(0)).IsPending);
    }

    [Fact]
    public void Message_beyond_the_size_limit_is_oversize()
    {
        var opener = Opener(ReassemblyLimits.Default with { MaxMessageBytes = 100_000 });
        var datagrams = Sealer().Seal(MessageKind.Raft, Body(150_000));
        Assert.True(opener.Open(datagrams[0], At(0)).IsPending);
        var result = opener.Open(datagrams[1], At(0));
        Assert.Equal(DropReason.Oversize, result.Drop);
        Assert.Equal(0, opener.PartialMessages);
    }

    [Fact]
    public void Sixteen_MiB_body_is_the_largest_and_reassembles()
    {
        var body = new byte[WireFormat.MaxMessageBytes];
        body[^1] = 42;
        var datagrams = Sealer().Seal(MessageKind.Raft, body);
        Assert.Equal(280, datagrams.Count);
        var opener = Opener();
        OpenResult last = default;
        foreach (var d in datagrams) last = opener.Open(d, At(0));
        Assert.Equal(42, last.Message!.Body[^1]);
    }

    [Fact]
    public void Fragment_disagreeing_with_its_message_is_malformed()
    {
        var opener = Opener();
        Assert.True(opener.Open(Craft(sequence: 1, messageId: 5, index: 0, count: 3), At(0)).IsPending);
        var result = opener.Open(Craft(sequence: 2, messageId: 5, index: 1, count: 4), At(0));
        Assert.Equal(DropReason.Malformed, result.Drop);
        result = opener.Open(Craft(sequence: 3, messageId: 5, index: 1, count: 3, kind: (byte)MessageKind.Lease), At(0));
        Assert.Equal(DropReason.Malformed, result.Drop);
    }

    [Fact]
    public void Sender_restart_discards_its_partials()
    {
        var opener = Opener();
        Assert.True(opener.Open(Sealer(epoch: 100).Seal(MessageKind.Raft, Body(70_000))[0], At(0)).IsPending);
        Assert.NotNull(opener.Open(Sealer(epoch: 101).Seal(MessageKind.Heartbeat, [1])[0], At(0)).Message);
        Assert.Equal(0, opener.PartialMessages);
        Assert.Equal(1, opener.Counters.Dropped(DropReason.FragmentExpired));
    }
}
