using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Cli.Demo;

/// <summary>One measured moment: milliseconds since its phase began, what happened, and its figure's JSON name.</summary>
/// <param name="Key">The figure's name in --json output (<c>failure_detected</c> → <c>failure_detected_ms</c>); null for a line without a figure.</param>
internal sealed record TimelineEntry(string Phase, double Ms, string Text, string? Key);

/// <summary>
/// Responsible for the demo's timeline: phases (failover from T0, rejoin from T1) and the moments measured in
/// them, rendered as <c>+  512 ms  n1 failure detected (node_failed)</c> lines and as one flat JSON object for
/// bench/demo.sh. Thread-safe: the live screen renders it while the script adds to it.
/// </summary>
internal sealed class DemoTimeline
{
    private readonly Lock gate = new();
    private readonly List<(string Phase, string Title)> phases = [];
    private readonly List<TimelineEntry> entries = [];
    private readonly Dictionary<string, string> facts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> measures = new(StringComparer.Ordinal);

    public void BeginPhase(string phase, string title)
    {
        lock (gate) phases.Add((phase, title));
    }

    public void Add(string phase, double ms, string text, string? key = null)
    {
        lock (gate) entries.Add(new TimelineEntry(phase, Math.Round(ms, 1), text, key));
    }

    /// <summary>A duration for the JSON output (as NAME_ms) that is no moment of the timeline, e.g. how long the service did not answer.</summary>
    public void Measure(string key, double ms)
    {
        lock (gate) measures[key] = Math.Round(ms, 1);
    }

    /// <summary>A text fact for the JSON output (e.g. which node took over).</summary>
    public void Fact(string key, string value)
    {
        lock (gate) facts[key] = value;
    }

    /// <summary>The figure named <paramref name="key"/>, if measured.</summary>
    public double? Figure(string key)
    {
        lock (gate) return entries.FirstOrDefault(e => e.Key == key)?.Ms;
    }

    /// <summary>Every phase with its title, then its moments in time order.</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (gate)
        {
            var lines = new List<string>();
            foreach (var (phase, title) in phases)
            {
                if (lines.Count > 0) lines.Add("");
                lines.Add(title);
                foreach (var e in entries.Where(e => e.Phase == phase).OrderBy(e => e.Ms))
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"+ {e.Ms,6:0} ms  {e.Text}"));
            }
            return lines;
        }
    }

    /// <summary>One line of JSON: ok, the failed step if any, the facts, then every figure as NAME_ms.</summary>
    public string Json(bool ok, string? failedStep, int leftoverProcesses)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("ok", ok);
            if (failedStep is null) json.WriteNull("failed_step");
            else json.WriteString("failed_step", failedStep);
            json.WriteNumber("leftover_processes", leftoverProcesses);
            lock (gate)
            {
                foreach (var (key, value) in facts) json.WriteString(key, value);
                foreach (var e in entries.Where(e => e.Key is not null)) json.WriteNumber(e.Key + "_ms", e.Ms);
                foreach (var (key, ms) in measures) json.WriteNumber(key + "_ms", ms);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
