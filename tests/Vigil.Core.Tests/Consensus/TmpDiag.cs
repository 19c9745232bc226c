using Vigil.Core.Consensus;
namespace Vigil.Core.Tests.Consensus;
public sealed class TmpDiag(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Diag()
    {
        // healthy network: tick all + deliver all
        var net = RaftTestNetwork.Of(3, new RaftOptions(ElectionTicks: 5), 3);
        var checker = new RaftSafetyChecker(net);
        for (var i = 0; i < 60; i++)
        {
            net.TickAll();
            net.DeliverAll();
            if (i % 3 == 0) foreach (var id in net.Ids) net.Propose(id, "x" + i);
            output.WriteLine($"{i}: " + string.Join(" | ", net.Nodes.Values.Select(n => $"{n.Id} {n.Role} t{n.Term} c{n.CommitIndex} l{n.LastIndex} ld{n.Leader}")) + $" {checker.Check()}");
        }
    }
}
