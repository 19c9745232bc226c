using Vigil.Cli.Commands;

namespace Vigil.Cli.Demo;

/// <summary>
/// Responsible for the demo's live screen on a terminal: every <see cref="Interval"/> it redraws, in place, the
/// service's current answer, the cluster status as a live agent sees it (the `vigil status` table), the timeline
/// so far and what the demo waits for. The last frame stays on the screen when the demo ends.
/// </summary>
internal sealed class LiveScreen(DemoLayout layout, DemoProcesses processes, HttpProbe http, DemoTimeline timeline, DemoScript script,
    HttpClient client, TextWriter output)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan StatusTimeout = TimeSpan.FromMilliseconds(400);

    private const string Escape = "\u001b[";

    /// <summary>Redraws until <paramref name="cancel"/> fires, then draws the final frame.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        output.Write(Escape + "?25l" + Escape + "2J"); // hide the cursor, clear the screen
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                await DrawAsync(cancel);
                await Task.Delay(Interval, cancel);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The demo ended: one more frame below.
        }
        finally
        {
            await DrawAsync(CancellationToken.None);
            output.Write(Escape + "?25h");
            output.Flush();
        }
    }

    private async Task DrawAsync(CancellationToken cancel)
    {
        var status = new StringWriter();
        var seenFrom = DemoLayout.Nodes.FirstOrDefault(processes.IsRunning);
        if (seenFrom is not null && await NodeStatus.GetAsync(client, layout.Api(seenFrom), StatusTimeout, cancel) is { } s)
            StatusTable.Write(s, status);
        else
            status.WriteLine(seenFrom is null ? "(no agent runs)" : $"({seenFrom} does not answer yet)");

        var lines = new List<string>
        {
            $"vigil demo — three agents on 127.0.0.1 in {layout.Dir}   (Ctrl-C stops it and cleans up)",
            $"service {layout.HttpUrl}  →  {http.Current?.Describe() ?? "not asked yet"}",
            "",
        };
        var statusLines = Lines(status.ToString());
        var timelineLines = timeline.Lines();
        var height = WindowHeight();
        // On a short terminal the status table's recent events go first: the timeline is what the demo is about.
        if (4 + statusLines.Count + timelineLines.Count + 2 > height && statusLines.IndexOf("LAST EVENTS") is var cut and > 0)
            statusLines = statusLines.Take(cut).ToList();
        lines.AddRange(statusLines);
        lines.Add("");
        lines.AddRange(timelineLines);
        lines.Add("");
        lines.Add("▶ " + script.Now);
        if (lines.Count > height - 1) lines = lines.Take(3).Concat(lines.Skip(3 + lines.Count - (height - 1))).ToList();

        var width = WindowWidth();
        var frame = new System.Text.StringBuilder(Escape + "H");
        foreach (var line in lines) frame.Append(line.Length > width ? line[..width] : line).Append(Escape + "K\n");
        frame.Append(Escape + "J");
        output.Write(frame.ToString());
        output.Flush();
    }

    private static List<string> Lines(string text) => text.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();

    private static int WindowHeight()
    {
        try
        {
            return Console.WindowHeight is > 10 and var h ? h : 40;
        }
        catch (IOException)
        {
            return 40;
        }
    }

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth is > 20 and var w ? w : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }
}
