using Vigil.Cli.Agent.Wire;
using static Vigil.Agent.Tests.Wire.WireKit;

namespace Vigil.Agent.Tests.Wire;

/// <summary>Sequence window and epoch rules.</summary>
public sealed class ReplayTests
{
    [Fact]
    public void Replayed_datagram_is_dropped()
    {
        var opener = Opener();
        var datagram = Sealer().Seal(MessageKind.Lease, [1])[0];
        Assert.NotNull(opener.Open(datagram, At(0)).Message);
        var again = opener.Open(datagram, At(1));
        Assert.Equal(DropReason.Replay, again.Drop);
        Assert.Equal("sequence 1 of epoch 100 was already received from n2", again.Detail);
        Assert.Equal("n2", again.Sender);
        Assert.Equal(1, opener.Counters.Dropped(DropReason.Replay));
    }

    [Fact]
    public void Reordering_within_the_window_is_accepted_once()
    {
        var sealer = Sealer();
        var datagrams = Enumerable.Range(0, 128).Select(_ => sealer.Seal(MessageKind.Heartbeat, [1])[0]).Reverse().ToArray();
        var opener = Opener();
        Assert.All(datagrams, d => Assert.NotNull(opener.Open(d, At(0)).Message));
        Assert.All(datagrams, d => Assert.Equal(DropReason.Replay, opener.Open(d, At(0)).Drop));
    }

    [Fact]
    public void Sequence_older_than_the_window_is_dropped()
    {
        var sealer = Sealer();
        var first = sealer.Seal(MessageKind.Heartbeat, [1])[0];
        var datagrams = Enumerable.Range(0, 128).Select(_ => sealer.Seal(MessageKind.Heartbeat, [1])[0]).ToArray();
        var opener = Opener();
        Assert.All(datagrams, d => Assert.NotNull(opener.Open(d, At(0)).Message));
        var late = opener.Open(first, At(0));
        Assert.Equal(DropReason.Replay, late.Drop);
        Assert.Contains("too old", late.Detail);
    }

    [Fact]
    public void Newer_epoch_is_accepted_and_older_one_then_refused()
    {
        var opener = Opener();
        var oldBoot = Sealer(epoch: 100);
        var stale = oldBoot.Seal(MessageKind.Heartbeat, [1])[0];
        Assert.NotNull(opener.Open(oldBoot.Seal(MessageKind.Heartbeat, [1])[0], At(0)).Message);

        var restarted = Sealer(epoch: 101);
        var fresh = opener.Open(restarted.Seal(MessageKind.Heartbeat, [2])[0], At(1));
        Assert.Equal(101ul, fresh.Message!.Epoch); // sequence 1 again, accepted: the window was reset

        var result = opener.Open(stale, At(2));
        Assert.Equal(DropReason.Replay, result.Drop);
        Assert.Equal("epoch 100 is older than epoch 101 already seen from n2", result.Detail);
    }

    [Fact]
    public void Senders_have_separate_windows()
    {
        var opener = Opener();
        Assert.NotNull(opener.Open(Sealer("n2").Seal(MessageKind.Heartbeat, [1])[0], At(0)).Message);
        Assert.NotNull(opener.Open(Sealer("n3").Seal(MessageKind.Heartbeat, [1])[0], At(0)).Message);
    }

    [Fact]
    public void Routine_datagrams_have_their_own_sequence_lane_so_a_batch_read_late_is_not_a_replay()
    {
        var sealer = Sealer("n2");
        var opener = Opener("n1");
        var routine = sealer.Seal(MessageKind.Heartbeat, Body(16), routine: true)[0]; // sealed first, read last
        for (var i = 0; i < 2 * WireFormat.ReplayWindow; i++)
            Assert.NotNull(opener.Open(sealer.Seal(MessageKind.Raft, Body(8))[0], TimeSpan.Zero).Message);
        var late = opener.Open(routine, TimeSpan.Zero);
        Assert.False(late.IsDropped, late.Detail);
        Assert.True(late.Message!.Routine);
        Assert.True(opener.Open(routine, TimeSpan.Zero).IsDropped); // its own lane still refuses a replay
    }
}
