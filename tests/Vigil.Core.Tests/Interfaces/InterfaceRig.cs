using Vigil.Core.Configuration;
using Vigil.Core.Interfaces;

namespace Vigil.Core.Tests.Interfaces;

/// <summary>
/// Drives an <see cref="InterfaceGroupMachine"/> for group "public" on a simulated clock with a fake shell: probes
/// are answered at once unless the interface is <see cref="Silent"/>, its target dead or its probes not sendable;
/// address operations succeed at once unless <see cref="FailOp"/> says otherwise or <see cref="HoldOps"/> is set.
/// Default group: a0 ⇄ a1 (CIP pair), test addresses 10.0.0.1N/24, targets 10.50.0.1-2, FDT 10 s (probe every 2 s).
/// </summary>
internal sealed class InterfaceRig
{
    public static readonly TimeSpan Fdt = TimeSpan.FromSeconds(10);
    public static readonly string[] Targets = ["10.50.0.1", "10.50.0.2"];
    private readonly List<(TimeSpan At, InterfaceInput Input)> late = [];
    private long lastRequest;

    public InterfaceRig(InterfaceGroupConfig? config = null, PersistedPlacement? restored = null, bool linksUp = true)
    {
        Config = config ?? Group();
        Machine = new InterfaceGroupMachine(Config, restored, Now);
        Pump();
        if (!linksUp)
            return;
        foreach (var item in Config.Interfaces)
            Link(item.Name);
        Tick(TimeSpan.Zero);
    }

    public InterfaceGroupConfig Config { get; }

    public InterfaceGroupMachine Machine { get; }

    public TimeSpan Now { get; private set; }

    /// <summary>Every command the machine produced, in order.</summary>
    public List<InterfaceCommand> Log { get; } = [];

    public HashSet<string> Silent { get; } = new(StringComparer.Ordinal);

    public HashSet<string> DeadTargets { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> NotSent { get; } = new(StringComparer.Ordinal);

    /// <summary>Replies through these interfaces arrive this late.</summary>
    public Dictionary<string, TimeSpan> ReplyDelay { get; } = new(StringComparer.Ordinal);

    /// <summary>Error detail for an address operation, or null for success.</summary>
    public Func<InterfaceCommand, string?> FailOp { get; set; } = _ => null;

    /// <summary>Address operations wait in <see cref="Held"/> until <see cref="Finish"/>.</summary>
    public bool HoldOps { get; set; }

    public List<InterfaceCommand> Held { get; } = [];

    /// <summary>Answers to DiscoverTargets per interface; no entry: no answer.</summary>
    public Dictionary<string, string[]> Discovery { get; } = new(StringComparer.Ordinal);

    public static InterfaceConfig If(string name, string? backup = null, bool test = true) =>
        new(name, test ? $"10.0.0.{10 + int.Parse(name[^1..], System.Globalization.CultureInfo.InvariantCulture)}/24" : null, backup);

    public static InterfaceGroupConfig Group(InterfaceConfig[]? interfaces = null, InterfaceFailback failback = InterfaceFailback.Auto,
        bool link = true, bool probes = true, string[]? targets = null) =>
        new("public", "n1", interfaces ?? [If("a0", "a1"), If("a1", "a0")], new DetectionConfig(link, probes, Fdt, targets ?? Targets), failback);

    public void Link(string name, bool running = true, bool up = true, bool exists = true) =>
        Step(new LinkObserved(name, new LinkFacts(exists, up, running)));

    public void Step(InterfaceInput input)
    {
        Machine.Step(Now, input);
        Pump();
    }

    /// <summary>One tick, <paramref name="step"/> (default: the machine's tick interval) after the last.</summary>
    public void Tick(TimeSpan? step = null)
    {
        Now += step ?? Machine.TickInterval;
        foreach (var due in late.Where(l => l.At <= Now).ToList())
        {
            late.Remove(due);
            Machine.Step(Now, due.Input);
        }

        Machine.Tick(Now);
        Pump();
    }

    /// <summary>Ticks until <paramref name="span"/> has passed.</summary>
    public void Run(TimeSpan span, TimeSpan? step = null)
    {
        var end = Now + span;
        while (Now < end)
            Tick(step);
    }

    /// <summary>Ticks until <paramref name="done"/> holds (at most two minutes); returns the time it took.</summary>
    public TimeSpan RunUntil(Func<bool> done, TimeSpan? step = null)
    {
        var start = Now;
        while (!done())
        {
            Assert.True(Now - start < TimeSpan.FromMinutes(2), "condition not reached within two minutes");
            Tick(step);
        }

        return Now - start;
    }

    public AnswerRequest? AnswerTo(long request) => Log.OfType<AnswerRequest>().SingleOrDefault(a => a.Request == request);

    /// <summary>Sends a request and returns its number.</summary>
    public long Send(Func<long, InterfaceRequest> make)
    {
        var request = ++lastRequest;
        Step(make(request));
        return request;
    }

    /// <summary>Sends a request that is answered before this returns.</summary>
    public AnswerRequest Ask(Func<long, InterfaceRequest> make) =>
        AnswerTo(Send(make)) ?? throw new InvalidOperationException("request not answered");

    public AnswerRequest Start(string resource = "web-ip", string address = "10.0.0.5/24") =>
        Ask(r => new AddressWanted(r, resource, address));

    /// <summary>Answers the oldest held address operation.</summary>
    public void Finish(bool succeeded = true, string detail = "")
    {
        var op = Held[0];
        Held.RemoveAt(0);
        Step(new AddressOpFinished(OpOf(op), succeeded, detail));
    }

    public int Mark => Log.Count;

    public List<InterfaceCommand> Since(int mark) => Log.Skip(mark).ToList();

    public List<string> Events(string kind, int mark = 0) =>
        Log.Skip(mark).OfType<ReportEvent>().Where(e => e.Kind == kind).Select(e => e.Text).ToList();

    public List<PlaceAddress> Places(int mark = 0) => Log.Skip(mark).OfType<PlaceAddress>().ToList();

    public InterfaceView Interface(string name) => Machine.View().Interfaces.Single(i => i.Name == name);

    public InterfaceState State(string name) => Interface(name).State;

    public AddressView Address(string resource = "web-ip") => Machine.View().Addresses.Single(a => a.Resource == resource);

    public string? Current(string resource = "web-ip") => Address(resource).Current;

    private static long OpOf(InterfaceCommand command) => command switch
    {
        PlaceAddress place => place.Op,
        RemoveAddress remove => remove.Op,
        _ => throw new ArgumentException("not an address operation", nameof(command)),
    };

    private void Pump()
    {
        for (var batch = Machine.TakeCommands(); batch.Count > 0; batch = Machine.TakeCommands())
        {
            foreach (var command in batch)
            {
                Log.Add(command);
                Respond(command);
            }
        }
    }

    private void Respond(InterfaceCommand command)
    {
        switch (command)
        {
            case SendProbe probe when NotSent.TryGetValue(probe.Interface, out var error):
                Machine.Step(Now, new ProbeNotSent(probe.Interface, probe.Sequence, error));
                break;
            case SendProbe probe when !Silent.Contains(probe.Interface) && !DeadTargets.Contains(probe.Target):
                var reply = new ProbeReplied(probe.Interface, probe.Sequence, probe.Target);
                if (ReplyDelay.TryGetValue(probe.Interface, out var delay))
                    late.Add((Now + delay, reply));
                else
                    Machine.Step(Now, reply);
                break;
            case DiscoverTargets discover when Discovery.TryGetValue(discover.Interface, out var found):
                Machine.Step(Now, new TargetsDiscovered(discover.Interface, found));
                break;
            case PlaceAddress or RemoveAddress when HoldOps:
                Held.Add(command);
                break;
            case PlaceAddress or RemoveAddress:
                var failure = FailOp(command);
                Machine.Step(Now, new AddressOpFinished(OpOf(command), failure is null, failure ?? "ok"));
                break;
        }
    }
}
