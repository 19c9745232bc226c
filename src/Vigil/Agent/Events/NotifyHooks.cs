using System.Globalization;
using System.Threading.Channels;
using Vigil.Cli.Agent.Execution;
using Vigil.Core.Configuration;

namespace Vigil.Cli.Agent.Events;

/// <summary>
/// Runs the configuration's notify hooks for events, one run at a time in event order on a background task
/// (a slow hook delays later hooks, never the agent). Each hook is called as `COMMAND KIND NODE GROUP` with
/// VIGIL_EVENT, VIGIL_EVENT_SEQ, VIGIL_EVENT_TIME, VIGIL_EVENT_NODE, VIGIL_EVENT_GROUP, VIGIL_EVENT_MESSAGE,
/// VIGIL_NODE (this node) and VIGIL_CLUSTER in its environment, killed at its timeout. At most
/// <see cref="MaxQueued"/> runs wait; more are dropped and counted in the log.
/// </summary>
internal sealed class NotifyHooks : IDisposable
{
    public const int MaxQueued = 64;

    private readonly AgentSettings settings;
    private readonly Func<ClusterConfig> config;
    private readonly Action<string> log;
    private readonly Channel<ClusterEvent> queue = Channel.CreateBounded<ClusterEvent>(new BoundedChannelOptions(MaxQueued)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly CancellationTokenSource stop = new();
    private readonly Task worker;
    private long dropped;

    public NotifyHooks(AgentSettings settings, Func<ClusterConfig> config, Action<string> log)
    {
        this.settings = settings;
        this.config = config;
        this.log = log;
        worker = Task.Run(RunAsync);
    }

    /// <summary>Queues the event for every hook that wants it (called on the agent's loop).</summary>
    public void Notify(ClusterEvent e)
    {
        if (!config().Notify.Any(h => Wants(h, e.Kind))) return;
        if (queue.Writer.TryWrite(e)) return;
        if (Interlocked.Increment(ref dropped) is 1 or 100 or 10_000)
            log($"notify queue full ({MaxQueued}): {dropped} event(s) not notified so far");
    }

    private static bool Wants(NotifyConfig hook, string kind) => hook.Events.Count == 0 || hook.Events.Contains(kind);

    private async Task RunAsync()
    {
        try
        {
            await foreach (var e in queue.Reader.ReadAllAsync(stop.Token))
                foreach (var hook in config().Notify.Where(h => Wants(h, e.Kind)))
                    await RunHookAsync(hook, e);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunHookAsync(NotifyConfig hook, ClusterEvent e)
    {
        var environment = new Dictionary<string, string>
        {
            ["VIGIL_EVENT"] = e.Kind,
            ["VIGIL_EVENT_SEQ"] = e.Seq.ToString(CultureInfo.InvariantCulture),
            ["VIGIL_EVENT_TIME"] = e.Time.ToString("O", CultureInfo.InvariantCulture),
            ["VIGIL_EVENT_NODE"] = e.Node ?? "",
            ["VIGIL_EVENT_GROUP"] = e.Group ?? "",
            ["VIGIL_EVENT_MESSAGE"] = e.Message,
            ["VIGIL_NODE"] = settings.Node.Name,
            ["VIGIL_CLUSTER"] = config().Cluster.Name,
        };
        var run = await ChildProcess.RunAsync(settings.Resolve(hook.Command), [e.Kind, e.Node ?? "", e.Group ?? ""], environment,
            settings.ConfigDirectory, hook.Timeout, null, stop.Token);
        if (!run.Succeeded)
            log($"notify {hook.Command} for event {e.Seq} ({e.Kind}): {run.Describe()}" + (run.LastLine.Length > 0 ? $": {run.LastLine}" : ""));
    }

    public void Dispose()
    {
        queue.Writer.TryComplete();
        stop.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            worker.Wait(TimeSpan.FromSeconds(3));
        }
        catch (AggregateException)
        {
        }
        stop.Dispose();
    }
}
