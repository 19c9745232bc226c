using Vigil.Cli.Agent;
using Vigil.Core.Cluster;

namespace Vigil.Agent.Tests.Loop;

/// <summary>A report body made from the kept JSON of an earlier report is exactly the serializer's, and says what is new.</summary>
public class ReportBodiesTests
{
    private static NodeReport Report(long sequence, GroupPhase phase = GroupPhase.Running, string group = "web", params string[] failedDevices) =>
        new("n1", 3, sequence, 12, [new GroupReport(group, 2, phase, 0, null)], failedDevices);

    private static byte[] Serialized(NodeReport report) => AgentMessages.Encode(new ReportMessage(report));

    [Theory]
    [InlineData(1L, 2L)]
    [InlineData(9L, 10L)]
    [InlineData(99L, 100_000L)]
    [InlineData(123_456L, 7L)]
    public void AReportSayingTheSameGetsTheSerializersBytesWithItsOwnSequence(long first, long next)
    {
        var bodies = new ReportBodies();
        Assert.Equal(Serialized(Report(first)), bodies.Encode(Report(first)));
        Assert.Equal(Serialized(Report(next)), bodies.Encode(Report(next)));
        Assert.Equal(Serialized(Report(next + 1)), bodies.Encode(Report(next + 1)));
    }

    [Fact]
    public void AReportSayingSomethingNewIsEncodedAfresh()
    {
        var bodies = new ReportBodies();
        bodies.Encode(Report(1));
        Assert.Equal(Serialized(Report(2, GroupPhase.Failed)), bodies.Encode(Report(2, GroupPhase.Failed)));
        Assert.Equal(Serialized(Report(3, GroupPhase.Failed, "web", "disk")), bodies.Encode(Report(3, GroupPhase.Failed, "web", "disk")));
        Assert.Equal(Serialized(Report(4)), bodies.Encode(Report(4)));
    }

    [Fact]
    public void ANameThatLooksLikeTheSequenceKeyIsNotTakenForIt()
    {
        var bodies = new ReportBodies();
        const string tricky = "\"sequence\":42";
        bodies.Encode(Report(5, group: tricky));
        Assert.Equal(Serialized(Report(6, group: tricky)), bodies.Encode(Report(6, group: tricky)));
    }

    [Fact]
    public void TheLeaderReadsAReportSayingTheSameAsTheSerializerWould()
    {
        var reader = new ReportReader();
        foreach (var sequence in new long[] { 8, 9, 10, 11, 1000 })
            AssertSameReport(Report(sequence), reader.Decode("n1", Serialized(Report(sequence))));
    }

    [Fact]
    public void TheLeaderReadsAReportSayingSomethingNewInFull()
    {
        var reader = new ReportReader();
        reader.Decode("n1", Serialized(Report(1)));
        AssertSameReport(Report(2, GroupPhase.Failed), reader.Decode("n1", Serialized(Report(2, GroupPhase.Failed))));
        AssertSameReport(Report(3, GroupPhase.Failed, "web", "disk"), reader.Decode("n1", Serialized(Report(3, GroupPhase.Failed, "web", "disk"))));
        // Another sender's body is never read against this sender's last one.
        var other = Report(4) with { Node = "n2" };
        AssertSameReport(other, reader.Decode("n2", Serialized(other)));
        AssertSameReport(Report(4), reader.Decode("n1", Serialized(Report(4))));
    }

    private static void AssertSameReport(NodeReport expected, NodeReport actual)
    {
        Assert.Equal((expected.Node, expected.Incarnation, expected.Sequence, expected.StateVersion), (actual.Node, actual.Incarnation, actual.Sequence, actual.StateVersion));
        Assert.Equal(expected.Groups, actual.Groups);
        Assert.Equal(expected.FailedCriticalDevices, actual.FailedCriticalDevices);
    }
}
