using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// The health check of a process resource: <c>tcp:HOST:PORT</c> (a connection is accepted) or
/// <c>http://HOST:PORT/PATH</c> (a GET answers with a status below 400; redirects are not followed, proxies
/// never used). Each probe has its own short time limit, bounded by the caller's action timeout.
/// </summary>
internal sealed class HealthCheck
{
    /// <summary>The most one probe waits during start (the start loop probes again until its timeout).</summary>
    public static readonly TimeSpan StartProbeMax = TimeSpan.FromSeconds(2);

    /// <summary>The most one monitor probe waits.</summary>
    public static readonly TimeSpan MonitorProbeMax = TimeSpan.FromSeconds(5);

    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.Zero, // a fresh connection per probe: the check is of the server, not of a pooled socket
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each probe has its own limit
    };

    private readonly string host;
    private readonly int port;
    private readonly Uri? url;

    private HealthCheck(string text, string host, int port, Uri? url)
    {
        Text = text;
        this.host = host;
        this.port = port;
        this.url = url;
    }

    /// <summary>The check as written in the configuration.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    /// <summary>Parses a health param; on failure <paramref name="error"/> says what is expected.</summary>
    public static bool TryParse(string text, out HealthCheck? check, out string error)
    {
        check = null;
        error = "";
        var trimmed = text.Trim();
        if (trimmed.StartsWith("tcp:", StringComparison.Ordinal))
        {
            var target = trimmed["tcp:".Length..];
            var colon = target.LastIndexOf(':');
            var name = colon > 0 ? target[..colon].Trim('[', ']') : "";
            if (name.Length > 0 && TryPort(target[(colon + 1)..], out var tcpPort))
            {
                check = new HealthCheck(trimmed, name, tcpPort, null);
                return true;
            }
        }
        else if (trimmed.StartsWith("http://", StringComparison.Ordinal) || trimmed.StartsWith("https://", StringComparison.Ordinal))
        {
            if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Host.Length > 0 && string.IsNullOrEmpty(uri.UserInfo))
            {
                check = new HealthCheck(trimmed, uri.Host, uri.Port, uri);
                return true;
            }
        }
        error = $"health '{text}': expected tcp:HOST:PORT or http://HOST:PORT/PATH";
        return false;
    }

    /// <summary>Probes once within <paramref name="limit"/>: null when healthy, else why not (one line).</summary>
    public async Task<string?> ProbeAsync(TimeSpan limit, CancellationToken cancel)
    {
        if (limit <= TimeSpan.Zero) return $"{Text}: no time left to check";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(limit);
        try
        {
            if (url is null)
            {
                using var client = new TcpClient(); // tries every address of the name, IPv4 or IPv6
                await client.ConnectAsync(host, port, deadline.Token);
                return null;
            }
            using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            return status < 400 ? null : $"{Text}: HTTP {status.ToString(CultureInfo.InvariantCulture)}";
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return $"{Text}: no answer within {Core.Text.Duration(limit)}";
        }
        catch (SocketException e)
        {
            return $"{Text}: {e.Message}";
        }
        catch (HttpRequestException e)
        {
            return $"{Text}: {(e.InnerException as SocketException)?.Message ?? e.Message}";
        }
    }

    private static bool TryPort(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value is > 0 and <= IPEndPoint.MaxPort;
}
