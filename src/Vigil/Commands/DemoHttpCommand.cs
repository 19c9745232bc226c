using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Cli.Commands;

/// <summary>
/// 'vigil demo-http --port PORT --node NAME' (hidden): the small HTTP service that `vigil demo` keeps available.
/// Answers GET / with <c>200 hello from NAME</c> on 127.0.0.1:PORT, one request per connection, and stops on
/// SIGTERM or Ctrl-C (exit 0). A raw TCP listener rather than Kestrel: it starts fast (its start time is part of
/// the failover the demo measures) and stays small. A port already listened on fails the start (exit 1): two
/// copies must never share it, or the demo could not tell which node answers.
/// </summary>
public static class DemoHttpCommand
{
    /// <summary>Connections served at once; more are closed at once (the demo's prober and a health check need two).</summary>
    public const int MaxConnections = 32;

    /// <summary>Largest request head read; a longer one is answered 431.</summary>
    public const int MaxRequestBytes = 8 * 1024;

    /// <summary>How long a client may take to send its request head.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "The TCP port on 127.0.0.1.", Required = true };
        var node = new Option<string>("--node") { Description = "The node name the answer names.", Required = true };
        var command = new Command("demo-http", "The HTTP service of 'vigil demo' (answers GET / with 'hello from NODE').") { Hidden = true };
        command.Options.Add(port);
        command.Options.Add(node);
        command.SetAction((parse, cancel) => RunAsync(parse.GetValue(port), parse.GetValue(node)!, Console.Error, cancel));
        return command;
    }

    public static async Task<int> RunAsync(int port, string node, TextWriter stderr, CancellationToken cancel)
    {
        if (port is < 1 or > IPEndPoint.MaxPort || string.IsNullOrWhiteSpace(node))
        {
            stderr.WriteLine("vigil demo-http: --port must be 1-65535 and --node a name");
            return 2;
        }
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            // .NET sets SO_REUSEADDR on Linux (to bind over TIME_WAIT) but never SO_REUSEPORT: a second
            // listener on a port in use fails here with EADDRINUSE.
            listener.Start(backlog: 64);
        }
        catch (SocketException e)
        {
            stderr.WriteLine($"vigil demo-http: cannot listen on 127.0.0.1:{port}: {e.Message}");
            return 1;
        }
        // SIGTERM (the process resource's stop) and Ctrl-C end the service with exit 0, not the runtime's 143.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        var body = Encoding.UTF8.GetBytes($"hello from {node}\n");
        stderr.WriteLine($"vigil demo-http: {node} answering on http://127.0.0.1:{port}/ (pid {Environment.ProcessId})");
        using var slots = new SemaphoreSlim(MaxConnections);
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                if (!slots.Wait(0, CancellationToken.None))
                {
                    client.Dispose();
                    continue;
                }
                _ = ServeAsync(client, body, slots, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            stderr.WriteLine($"vigil demo-http: {node} stopping");
            return 0;
        }
        finally
        {
            listener.Stop();
        }

        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
    }

    /// <summary>Reads one request head and answers it; never throws (a client that goes away is simply dropped).</summary>
    private static async Task ServeAsync(TcpClient client, byte[] hello, SemaphoreSlim slots, CancellationToken cancel)
    {
        try
        {
            using (client)
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            {
                deadline.CancelAfter(RequestTimeout);
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream, deadline.Token);
                var (status, body) = Answer(head, hello);
                var response = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
                await stream.WriteAsync(response, deadline.Token);
                if (head is not null && !head.StartsWith("HEAD ", StringComparison.Ordinal)) await stream.WriteAsync(body, deadline.Token);
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client left or was too slow: nothing to answer.
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>The request head up to the blank line, or null when it is longer than <see cref="MaxRequestBytes"/>.</summary>
    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken cancel)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancel);
            if (read == 0) break;
            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal) || text.Contains("\n\n", StringComparison.Ordinal)) return text;
        }
        return length < buffer.Length ? Encoding.ASCII.GetString(buffer, 0, length) : null;
    }

    private static (string Status, byte[] Body) Answer(string? head, byte[] hello)
    {
        if (head is null) return ("431 Request Header Fields Too Large", "request head too large\n"u8.ToArray());
        var requestLine = head.Split('\n', 2)[0].TrimEnd('\r').Split(' ');
        if (requestLine.Length < 2) return ("400 Bad Request", "bad request\n"u8.ToArray());
        if (requestLine[0] is not ("GET" or "HEAD")) return ("405 Method Not Allowed", "only GET\n"u8.ToArray());
        var path = requestLine[1].Split('?', 2)[0];
        return path == "/" ? ("200 OK", hello) : ("404 Not Found", "not found\n"u8.ToArray());
    }
}
