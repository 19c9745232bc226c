using System.Diagnostics;
using System.Net;
using Vigil.Cli.Agent.Network;

namespace Vigil.Agent.Tests.Network;

/// <summary>
/// The namespace lab of tests/netns/lab.sh (router, client and two hosts with data interfaces d0 and d1 on one
/// bridged subnet, 10.50.0.0/24): created per test with a unique prefix, torn down by <see cref="Dispose"/>.
/// Needs root; tests use <see cref="NetnsFactAttribute"/> to be skipped (with the reason) where it cannot run.
/// </summary>
internal sealed class NetnsLab : IDisposable
{
    /// <summary>How long one command or one piece of work inside a namespace may take.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static readonly Lazy<string?> WhyUnavailable = new(Probe);

    private NetnsLab(string prefix) => Prefix = prefix;

    /// <summary>The namespace prefix, e.g. "vl3fa2": namespaces are vl3fa2-h1, vl3fa2-br….</summary>
    public string Prefix { get; }

    /// <summary>Why labs cannot be created here (not root, no ip, no namespaces), or null if they can.</summary>
    public static string? Unavailable => WhyUnavailable.Value;

    /// <summary>A new lab, or null with the reason when network namespaces cannot be created here.</summary>
    /// <exception cref="InvalidOperationException">namespaces work but lab.sh failed.</exception>
    public static NetnsLab? TryCreate(out string whyNot)
    {
        whyNot = Unavailable ?? "";
        if (Unavailable is not null) return null;
        var lab = new NetnsLab("vl" + Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()))[..4]);
        var up = Run("bash", Script, "up", lab.Prefix);
        if (up.Code != 0)
        {
            lab.Dispose();
            throw new InvalidOperationException($"lab.sh up {lab.Prefix} failed ({up.Code}): {up.Err}{up.Out}");
        }
        return lab;
    }

    /// <summary>A new lab; throws with the reason if namespaces are unavailable (tests are skipped before that).</summary>
    public static NetnsLab Create() => TryCreate(out var why) ?? throw new InvalidOperationException(why);

    /// <summary>The full namespace name of <paramref name="host"/> (h1, h2, rt, c, br).</summary>
    public string Ns(string host) => $"{Prefix}-{host}";

    /// <summary>Runs <paramref name="argv"/> inside <paramref name="host"/>'s namespace (ip netns exec).</summary>
    public Task<(int Code, string Out, string Err)> ExecAsync(string host, params string[] argv) =>
        Task.Run(() => Run("ip", ["netns", "exec", Ns(host), .. argv]));

    /// <summary>Runs <c>ip -n NS ARGS</c> and fails the test if it fails.</summary>
    public string Ip(string host, params string[] args)
    {
        var result = Run("ip", ["-n", Ns(host), .. args]);
        Assert.True(result.Code == 0, $"ip -n {Ns(host)} {string.Join(' ', args)}: {result.Err}");
        return result.Out;
    }

    /// <summary>Runs many <c>ip</c> commands (one per line, without "ip") in one process: <c>ip -n NS -batch FILE</c>.</summary>
    public void IpBatch(string host, IEnumerable<string> commands)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, commands);
            Ip(host, "-batch", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The bridge-side peer of <paramref name="host"/>'s <paramref name="iface"/> set down: the host loses carrier.</summary>
    public void CutCarrier(string host, string iface) => Ip("br", "link", "set", Peer(host, iface), "down");

    public void RestoreCarrier(string host, string iface) => Ip("br", "link", "set", Peer(host, iface), "up");

    /// <summary>The bridge-side peer taken off its bridge: the host keeps carrier but nothing gets through.</summary>
    public void CutPath(string host, string iface) => Ip("br", "link", "set", Peer(host, iface), "nomaster");

    public void RestorePath(string host, string iface) =>
        Ip("br", "link", "set", Peer(host, iface), "master", iface.StartsWith('m') ? "br1" : "br0");

    /// <summary>Connects (true) or disconnects (false: the router loses carrier) the router.</summary>
    public void SetRouterUp(bool up) => Ip("br", "link", "set", "rt", up ? "up" : "down");

    /// <summary>The MAC of <paramref name="host"/>'s <paramref name="iface"/>.</summary>
    public string Mac(string host, string iface)
    {
        var words = Ip(host, "-o", "link", "show", "dev", iface).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words[Array.IndexOf(words, "link/ether") + 1];
    }

    /// <summary>Moves the calling thread into <paramref name="host"/>'s namespace until disposed (see <see cref="NetnsThread"/>).</summary>
    public IDisposable EnterOnThisThread(string host) => NetnsThread.Enter(NsPath(host));

    /// <summary>Runs async <paramref name="work"/> on a dedicated thread inside <paramref name="host"/>'s namespace.</summary>
    public Task<T> RunInAsync<T>(string host, Func<Task<T>> work) => NetnsThread.RunAsync(NsPath(host), work, Limit);

    /// <summary>Runs <paramref name="work"/> on a dedicated thread inside <paramref name="host"/>'s namespace.</summary>
    public Task<T> RunInAsync<T>(string host, Func<T> work) => NetnsThread.RunAsync(NsPath(host), () => Task.FromResult(work()), Limit);

    /// <summary>
    /// Echoes <paramref name="target"/> from <paramref name="source"/> on <paramref name="host"/>'s
    /// <paramref name="iface"/> every 100 ms until a reply (true) or <paramref name="timeout"/> (false): ping.
    /// </summary>
    public async Task<bool> PingAsync(string host, string iface, string source, string target, TimeSpan timeout)
    {
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var prober = await RunInAsync(host, () => new IcmpProber(iface, IPAddress.Parse(source), (_, _) => reply.TrySetResult(), _ => { }));
        var clock = Stopwatch.StartNew();
        for (var sequence = 1; clock.Elapsed < timeout && !reply.Task.IsCompleted; sequence++)
        {
            prober.TrySend(IPAddress.Parse(target), sequence, out _);
            await Task.WhenAny(reply.Task, Task.Delay(100));
        }
        return reply.Task.IsCompleted;
    }

    /// <summary>A process started inside <paramref name="host"/>'s namespace: <c>ip netns exec NS FILE ARGS</c>.</summary>
    public ProcessStartInfo StartInfo(string host, string file, params string[] args) => StartInfoIn(Ns(host), file, args);

    /// <summary>A process started inside namespace <paramref name="netns"/> (which also gets its own /sys).</summary>
    public static ProcessStartInfo StartInfoIn(string netns, string file, params string[] args)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["netns", "exec", netns, file, .. args]) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>
    /// Threads of this process (id and name) still inside one of the lab's namespaces. Threads started by a thread
    /// inside a namespace inherit it; one left there (a thread-pool worker above all) would run other tests' code
    /// in the lab. Call at the end of a test, once everything it started in the lab is disposed.
    /// </summary>
    public IReadOnlyList<string> ThreadsInside()
    {
        string[] paths = [.. new[] { "br", "rt", "c", "h1", "h2" }.Select(NsPath)];
        var inodes = Run("stat", ["-L", "-c", "net:[%i]", .. paths]).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var inside = new List<string>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (inodes.Contains(new FileInfo(Path.Combine(task, "ns", "net")).LinkTarget ?? ""))
                    inside.Add($"{Path.GetFileName(task)} {File.ReadAllText(Path.Combine(task, "comm")).Trim()}");
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return inside;
    }

    /// <summary>Deletes every namespace of the lab (lab.sh down).</summary>
    public void Dispose() => Run("bash", Script, "down", Prefix);

    private string NsPath(string host) => "/var/run/netns/" + Ns(host);

    private static string Peer(string host, string iface) => host is "rt" or "c" ? host : host + iface;

    /// <summary>tests/netns/lab.sh, found by walking up from the test assembly.</summary>
    private static string Script
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "netns", "lab.sh");
                if (File.Exists(candidate)) return candidate;
            }
            throw new FileNotFoundException("tests/netns/lab.sh not found above " + AppContext.BaseDirectory);
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces need Linux";
        if (!Environment.IsPrivilegedProcess) return "network namespace tests need root (CAP_SYS_ADMIN, CAP_NET_ADMIN)";
        var probe = "vlprobe" + Environment.ProcessId % 100000;
        var add = Run("ip", "netns", "add", probe);
        if (add.Code != 0) return $"cannot create a network namespace (ip netns add): {add.Err}";
        Run("ip", "netns", "del", probe);
        return null;
    }

    /// <summary>Runs a command in the test process's namespace, bounded by <see cref="Limit"/>.</summary>
    internal static (int Code, string Out, string Err) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "", $"{file} timed out");
            }
            return (process.ExitCode, output.Result, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, "", $"cannot run {file}: {e.Message}");
        }
    }
}
