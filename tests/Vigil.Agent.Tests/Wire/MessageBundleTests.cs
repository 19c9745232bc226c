using Vigil.Cli.Agent;
using Vigil.Cli.Agent.Wire;

namespace Vigil.Agent.Tests.Wire;

/// <summary>Routine messages travelling with the heartbeat: the bundle format and the outbox that fills it.</summary>
public sealed class MessageBundleTests
{
    private static readonly byte[] Beat = AgentMessages.Heartbeat(7, 3);

    [Fact]
    public void RoundTripsKindsAndBodiesInOrder()
    {
        var entries = new List<(MessageKind, byte[])> { (MessageKind.Heartbeat, Beat), (MessageKind.Raft, [1, 2, 3]), (MessageKind.Report, []) };
        var decoded = MessageBundle.Decode(MessageBundle.Encode(entries));
        Assert.Equal(entries.Select(e => e.Item1), decoded.Select(e => e.Kind));
        Assert.Equal(entries.Select(e => e.Item2), decoded.Select(e => e.Body));
    }

    [Theory]
    [InlineData(new byte[0])] // empty
    [InlineData(new byte[] { 2, 5 })] // header cut short
    [InlineData(new byte[] { 2, 5, 0, 1, 2 })] // body cut short
    [InlineData(new byte[] { 7, 0, 0 })] // a bundle inside a bundle
    [InlineData(new byte[] { 99, 0, 0 })] // unknown kind
    [InlineData(new byte[] { 2, 0xff, 0xff })] // longer than any bundled body
    public void MalformedBundlesAreRefused(byte[] bytes) => Assert.Throws<FormatException>(() => MessageBundle.Decode(bytes));

    [Fact]
    public void MoreThanMaxEntriesIsRefused()
    {
        var bytes = Enumerable.Range(0, MessageBundle.MaxEntries + 1).SelectMany(_ => new byte[] { 2, 0, 0 }).ToArray();
        Assert.Throws<FormatException>(() => MessageBundle.Decode(bytes));
    }

    [Fact]
    public void OutboxHandsOverPerPeerAndNetworkOnce()
    {
        var outbox = new RoutineOutbox();
        Assert.True(outbox.TryAdd("n2", "ring0", MessageKind.Raft, [1]));
        Assert.True(outbox.TryAdd("n2", "ring1", MessageKind.Raft, [2]));
        Assert.True(outbox.TryAdd("n3", "ring0", MessageKind.Report, [3]));
        var taken = new List<(MessageKind Kind, byte[] Body)>();
        Assert.True(outbox.TakeInto("n2", "ring0", taken));
        Assert.Equal([1], Assert.Single(taken).Body);
        taken.Clear();
        Assert.False(outbox.TakeInto("n2", "ring0", taken)); // taken once
        Assert.True(outbox.TakeInto("n2", "ring1", taken));
        Assert.Equal([2], Assert.Single(taken).Body);
    }

    [Fact]
    public void ABundleIsNeverNested()
    {
        var outbox = new RoutineOutbox();
        Assert.False(outbox.TryAdd("n2", "ring0", MessageKind.Bundle, [1]));
        Assert.False(outbox.TakeInto("n2", "ring0", []));
    }

    [Fact]
    public void OutboxIsBoundedAndRefusesLargeBodies()
    {
        var outbox = new RoutineOutbox();
        Assert.False(outbox.TryAdd("n2", "ring0", MessageKind.Raft, new byte[MessageBundle.MaxEntryBytes + 1]));
        var added = 0;
        while (outbox.TryAdd("n2", "ring0", MessageKind.Raft, new byte[10])) added++;
        Assert.Equal(MessageBundle.MaxEntries - 1, added); // one place is the heartbeat's
        var taken = new List<(MessageKind Kind, byte[] Body)> { (MessageKind.Heartbeat, Beat) };
        outbox.TakeInto("n2", "ring0", taken);
        Assert.Equal(MessageBundle.MaxEntries, MessageBundle.Decode(MessageBundle.Encode(taken)).Count);
        Assert.True(outbox.TryAdd("n2", "ring0", MessageKind.Raft, new byte[10])); // room again after the beat
    }

    [Fact]
    public void ForgottenPeersLoseTheirQueue()
    {
        var outbox = new RoutineOutbox();
        outbox.TryAdd("n4", "ring0", MessageKind.Raft, [1]);
        outbox.Forget(peer => peer != "n4");
        Assert.False(outbox.TakeInto("n4", "ring0", []));
    }
}
