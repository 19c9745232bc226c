using Vigil.Core.Configuration;

namespace Vigil.Core.Interfaces;

/// <summary>
/// One interface group on this node (IPMP group / CIP failover pairs / LifeKeeper IP resource recovery), as a
/// pure state machine: (now, input) in, commands out. The shell feeds link states, probe replies, discovered
/// targets, results of address operations and requests, ticks it at least every <see cref="TickInterval"/>, and
/// executes <see cref="TakeCommands"/>.
/// </summary>
/// <remarks>
/// Level-triggered: after every input and tick it settles — fails and repairs interfaces, moves addresses off
/// interfaces that cannot hold them, reports what changed. The shell should report every interface's link before
/// the first request: an interface whose link is not known yet counts as offline. Address operations have no
/// timeout here; the shell must answer each one.
/// </remarks>
public sealed partial class InterfaceGroupMachine
{
    /// <summary>Consecutive missed probes that fail an interface (in.mpathd).</summary>
    public const int ProbesToFail = 5;

    /// <summary>Consecutive answered probes that repair an interface (in.mpathd).</summary>
    public const int ProbesToRepair = 10;

    /// <summary>Probe targets kept per interface (in.mpathd keeps the first few).</summary>
    public const int MaxTargets = 5;

    /// <summary>Requests waiting for an address operation of their resource; more are refused.</summary>
    public const int MaxWaitingRequests = 16;

    /// <summary>Commands not taken by the shell; more means the shell stopped executing them.</summary>
    public const int MaxCommands = 4096;

    /// <summary>The tick interval when nothing is probed: only requests and link changes need attention.</summary>
    public static readonly TimeSpan TickIntervalWithoutProbes = TimeSpan.FromMilliseconds(100);

    /// <summary>The shortest tick interval asked of the shell.</summary>
    public static readonly TimeSpan TickIntervalMin = TimeSpan.FromMilliseconds(10);

    private readonly InterfaceGroupConfig config;
    private readonly List<MemberInterface> members;
    private readonly Dictionary<string, MemberInterface> byName;
    private readonly Dictionary<string, ManagedAddress> addresses = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PendingOp> ops = [];
    private readonly List<InterfaceRequest> waiting = [];
    private readonly List<InterfaceCommand> commands = [];
    private readonly Dictionary<string, string> homes;
    private readonly Dictionary<string, string> backups;
    private InterfaceGroupState? reportedGroup;
    private TimeSpan nextProbeAt;
    private TimeSpan lastNow;
    private long nextSequence = 1;
    private long nextOp = 1;

    /// <param name="config">The group; its interfaces in order (the first is the default home).</param>
    /// <param name="restored">What was saved before a restart; ignored when it names another group. Entries naming
    /// interfaces no longer in the group, and backups equal to their home, are dropped.</param>
    /// <param name="now">Monotonic time: probing starts with the first tick at or after it.</param>
    public InterfaceGroupMachine(InterfaceGroupConfig config, PersistedPlacement? restored, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Interfaces.Count == 0)
            throw new ArgumentException($"interface group {config.Name} has no interface", nameof(config));
        if (config.Detection.FailureDetectionTime <= TimeSpan.Zero)
            throw new ArgumentException($"interface group {config.Name}: failure detection time must be positive", nameof(config));
        this.config = config;
        members = config.Interfaces.Select(i => new MemberInterface(i, config.Detection.Probes)).ToList();
        byName = members.ToDictionary(m => m.Name, StringComparer.Ordinal);
        Invariant.Check(byName.Count == members.Count, $"interface names in group {config.Name} are unique");
        var usable = restored is not null && restored.Group == config.Name ? restored : PersistedPlacement.Empty(config.Name);
        homes = usable.Homes.Where(e => byName.ContainsKey(e.Value)).ToDictionary(StringComparer.Ordinal);
        backups = usable.Backups.Where(e => byName.ContainsKey(e.Value) && e.Value != HomeOf(e.Key)).ToDictionary(StringComparer.Ordinal);
        ProbeInterval = config.Detection.FailureDetectionTime / 5;
        ProbeTimeout = ProbeInterval / 2;
        var probing = config.Detection.Probes && members.Any(m => m.Source is not null);
        TickInterval = probing ? Max(ProbeTimeout / 2, TickIntervalMin) : TickIntervalWithoutProbes;
        lastNow = now;
        nextProbeAt = now;
        StartTargets(now);
    }

    /// <summary>failure_detection_time / 5: five missed probes fail an interface about one FDT after the cut.</summary>
    public TimeSpan ProbeInterval { get; }

    /// <summary>
    /// Half a probe interval: a probe unanswered this long is missed, so the fifth miss after a cut lands
    /// between 0.9 and 1.1 failure detection times after it, whatever the phase of the cut.
    /// </summary>
    public TimeSpan ProbeTimeout { get; }

    /// <summary>How often the shell must call <see cref="Tick"/> (no more than half a probe timeout).</summary>
    public TimeSpan TickInterval { get; }

    /// <summary>The group's name (config).</summary>
    public string Group => config.Name;

    private TimeSpan FailureDetectionTime => config.Detection.FailureDetectionTime;

    /// <summary>Feeds one input; the resulting commands wait in <see cref="TakeCommands"/>.</summary>
    public void Step(TimeSpan now, InterfaceInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Advance(now);
        switch (input)
        {
            case LinkObserved link: OnLinkObserved(link); break;
            case ProbeReplied reply: OnProbeReplied(reply); break;
            case ProbeNotSent notSent: OnProbeNotSent(notSent); break;
            case TargetsDiscovered found: OnTargetsDiscovered(now, found); break;
            case AddressOpFinished finished: OnAddressOpFinished(now, finished); break;
            case InterfaceRequest request: OnRequest(request); break;
            default: throw new ArgumentException($"unknown interface input {input.GetType().Name}", nameof(input));
        }

        Settle(now);
    }

    /// <summary>Times out probes, sends the next round, retries discovery and failed moves.</summary>
    public void Tick(TimeSpan now)
    {
        Advance(now);
        ExpireProbes(now);
        DecideProbeFailures(now);
        RetryDiscovery(now);
        SendProbes(now);
        Settle(now);
    }

    /// <summary>The commands produced since the last call, in order.</summary>
    public IReadOnlyList<InterfaceCommand> TakeCommands()
    {
        var taken = commands.ToArray();
        commands.Clear();
        return taken;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Advance(TimeSpan now)
    {
        Invariant.Check(now >= lastNow, $"time of interface group {Group} never goes back ({now} < {lastNow})");
        lastNow = now;
    }

    private void Emit(InterfaceCommand command)
    {
        commands.Add(command);
        Invariant.Check(commands.Count <= MaxCommands, $"the shell takes the commands of interface group {Group}");
    }

    private void Report(string kind, string text) => Emit(new ReportEvent(kind, text));

    private void Answer(long request, bool succeeded, string detail) => Emit(new AnswerRequest(request, succeeded, detail));

    private MemberInterface Member(string name) => byName[name];
}
