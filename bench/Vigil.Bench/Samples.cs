using System.Diagnostics;
using System.Globalization;

namespace Vigil.Bench;

/// <summary>Timings (Stopwatch ticks), allocations and decision counts of one measured step over all trials.</summary>
internal sealed class Samples(string label)
{
    private readonly List<long> ticks = [];
    private readonly List<long> bytes = [];
    private readonly List<int> decisions = [];

    public string Label { get; } = label;

    public int Count => ticks.Count;

    public void Add(long elapsedTicks, long allocatedBytes, int decisionCount)
    {
        ticks.Add(elapsedTicks);
        bytes.Add(allocatedBytes);
        decisions.Add(decisionCount);
    }

    /// <summary>Nearest-rank percentile in milliseconds.</summary>
    public double PercentileMs(double p)
    {
        var sorted = ticks.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return ToMs(sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)]);
    }

    public double MaxMs => ToMs(ticks.Max());

    /// <summary>Per-trial sums of time and allocation; the decision count is the first part's (the step's).</summary>
    public static Samples Sum(string label, params Samples[] parts)
    {
        var sum = new Samples(label);
        for (var i = 0; i < parts[0].Count; i++)
            sum.Add(parts.Sum(s => s.ticks[i]), parts.Sum(s => s.bytes[i]), parts[0].decisions[i]);
        return sum;
    }

    public static string Header =>
        $"{"step",-34} {"n",5} {"median",9} {"p90",9} {"p99",9} {"max",9} {"decisions",10} {"alloc/step",12}";

    public string Row()
    {
        var ci = CultureInfo.InvariantCulture;
        var medianDecisions = decisions.Order().ElementAt(decisions.Count / 2);
        var medianBytes = bytes.Order().ElementAt(bytes.Count / 2);
        return string.Create(ci,
            $"{Label,-34} {Count,5} {Ms(PercentileMs(50))} {Ms(PercentileMs(90))} {Ms(PercentileMs(99))} {Ms(MaxMs)} {medianDecisions,10} {Kb(medianBytes),12}");
    }

    private static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms,6:F3} ms");

    private static string Kb(long b) => b >= 1 << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{b / 1048576.0:F2} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{b / 1024.0:F1} KB");

    private static double ToMs(long t) => t * 1000.0 / Stopwatch.Frequency;
}
