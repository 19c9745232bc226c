using System.Diagnostics;
using System.Net.Sockets;

namespace Vigil.Cli.Demo;

/// <summary>What the service answered at one moment: its body (trimmed), or why it did not answer.</summary>
internal sealed record HttpAnswer(long Timestamp, string? Body, string? Error)
{
    public string Describe() => Body is not null ? $"\"{Body}\"" : $"no answer ({Error})";
}

/// <summary>
/// Responsible for watching the demo's HTTP service as a client would: a GET every <see cref="Interval"/> (each
/// with a <see cref="RequestTimeout"/> of its own) and a record of every change of answer, with its
/// <see cref="Stopwatch"/> timestamp — so "when did it first answer X after moment T" is read from the record.
/// </summary>
internal sealed class HttpProbe(Uri url, HttpClient http)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>Changes kept; a demo run makes a handful.</summary>
    public const int MaxChanges = 2_000;

    private readonly Lock gate = new();
    private readonly List<HttpAnswer> changes = [];

    public HttpAnswer? Current
    {
        get
        {
            lock (gate) return changes.Count == 0 ? null : changes[^1];
        }
    }

    public async Task RunAsync(CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            var answer = await AskAsync(cancel);
            if (cancel.IsCancellationRequested) break;
            Record(answer);
            try
            {
                await Task.Delay(Interval, cancel);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// The first moment at or after <paramref name="from"/> (a Stopwatch timestamp) when the answer satisfied
    /// <paramref name="match"/>: <paramref name="from"/> itself if the answer then already did; null if not yet.
    /// </summary>
    public long? FirstAt(long from, Func<HttpAnswer, bool> match)
    {
        lock (gate)
        {
            var before = changes.LastOrDefault(c => c.Timestamp < from);
            if (before is not null && match(before)) return from;
            return changes.FirstOrDefault(c => c.Timestamp >= from && match(c))?.Timestamp;
        }
    }

    private void Record(HttpAnswer answer)
    {
        lock (gate)
        {
            if (changes.Count > 0 && changes[^1].Body == answer.Body && (answer.Body is not null || changes[^1].Error == answer.Error)) return;
            changes.Add(answer);
            if (changes.Count > MaxChanges) changes.RemoveAt(0);
        }
    }

    private async Task<HttpAnswer> AskAsync(CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(RequestTimeout);
        try
        {
            using var response = await http.GetAsync(url, deadline.Token);
            var body = (await response.Content.ReadAsStringAsync(deadline.Token)).Trim();
            var at = Stopwatch.GetTimestamp();
            return response.IsSuccessStatusCode ? new HttpAnswer(at, body, null) : new HttpAnswer(at, null, $"HTTP {(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return new HttpAnswer(Stopwatch.GetTimestamp(), null, "timed out");
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException is SocketException s ? s.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.ConnectionReset => "connection reset",
                _ => s.Message,
            } : "connection failed";
            return new HttpAnswer(Stopwatch.GetTimestamp(), null, why);
        }
        catch (OperationCanceledException)
        {
            return new HttpAnswer(Stopwatch.GetTimestamp(), null, "stopped");
        }
    }
}
