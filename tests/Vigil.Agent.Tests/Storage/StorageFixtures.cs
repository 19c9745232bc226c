using System.Text;
using Vigil.Cli.Agent.Storage;
using Vigil.Core.Consensus;

namespace Vigil.Agent.Tests.Storage;

/// <summary>Builders and comparisons shared by the storage tests.</summary>
internal static class StorageFixtures
{
    public static readonly RaftMembership Members = RaftMembership.Of(["n1", "n2", "n3"]);

    public static LogEntry Entry(long index, long term, string? data = null) =>
        new(index, term, Encoding.UTF8.GetBytes(data ?? $"e{index}t{term}"));

    public static LogEntry[] Entries(long from, long to, long term, int dataBytes = 0) =>
        [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => dataBytes == 0 ? Entry(i, term) : Entry(i, term, new string('x', dataBytes) + i))];

    public static Snapshot Snap(long index, long term, string data = "state") => new(index, term, Members, Encoding.UTF8.GetBytes(data));

    public static RaftStorage Open(TempDataDir dir, List<string>? lines = null) => RaftStorage.Open(dir.DataDir, line => lines?.Add(line));

    /// <summary>A readable form of an entry list, to compare with Assert.Equal.</summary>
    public static string Describe(IEnumerable<LogEntry> entries) =>
        string.Join(" ", entries.Select(e => $"{e.Index}/{e.Term}/{Encoding.UTF8.GetString(e.Data)}{(e.Membership is null ? "" : "/m" + e.Membership)}"));

    public static void AssertEntries(IEnumerable<LogEntry> expected, RaftStorage storage) =>
        Assert.Equal(Describe(expected), Describe(storage.Restored.Entries));

    /// <summary>The end offsets of the records in a log file (parsing only the length fields).</summary>
    public static List<long> RecordEnds(byte[] log)
    {
        var ends = new List<long>();
        long at = 0;
        while (at < log.Length)
        {
            at += 9 + BitConverter.ToUInt32(log, (int)at);
            ends.Add(at);
        }
        Assert.Equal(log.Length, at);
        return ends;
    }
}
