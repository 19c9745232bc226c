using System.Net;
using Vigil.Cli.Agent.Network;
using Vigil.Core.Configuration;
using Vigil.Core.Interfaces;

namespace Vigil.Cli.Agent.Interfaces;

/// <summary>Carrying out the machines' commands (on the loop thread; slow work as tasks that queue their results).</summary>
internal sealed partial class InterfaceService
{
    public static readonly TimeSpan VerifyTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DiscoveryWait = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, IcmpProber> probers = new(StringComparer.Ordinal);
    private readonly HashSet<string> discovering = new(StringComparer.Ordinal);

    private void Execute()
    {
        // Commands may produce more commands (a probe that cannot be sent is a miss at once); bounded passes.
        for (var pass = 0; pass < 8; pass++)
        {
            var any = false;
            foreach (var (group, machine) in machines)
                foreach (var command in machine.TakeCommands())
                {
                    any = true;
                    Execute(group, machine, command);
                }
            if (!any) return;
        }
    }

    private void Execute(string group, InterfaceGroupMachine machine, InterfaceCommand command)
    {
        switch (command)
        {
            case SendProbe p: Probe(machine, p); break;
            case DiscoverTargets d: Discover(group, machine, d); break;
            case PlaceAddress p: Background(machine, p.Op, ct => PlaceAsync(group, p, ct)); break;
            case RemoveAddress r: Background(machine, r.Op, ct => AddressTool.RemoveAsync(r.Interface, r.Address, ct)); break;
            case AnswerRequest a:
                if (pending.Remove(a.Request, out var answer)) answer.TrySetResult((a.Succeeded, a.Detail));
                break;
            case SavePlacement s: Save(s.Placement); break;
            case ReportEvent e:
                log(e.Text);
                report(e.Kind, e.Text);
                break;
        }
    }

    private void Probe(InterfaceGroupMachine machine, SendProbe probe)
    {
        string? error;
        var key = probe.Interface + "/" + probe.Source;
        try
        {
            if (!probers.TryGetValue(key, out var prober))
            {
                var iface = probe.Interface;
                prober = new IcmpProber(iface, IPAddress.Parse(probe.Source),
                    (seq, from) => Post(() => machine.Step(Now, new ProbeReplied(iface, seq, from.ToString()))), log);
                probers[key] = prober;
            }
            if (prober.TrySend(IPAddress.Parse(probe.Target), probe.Sequence, out error)) return;
            // The socket may be bound to an interface that went away and came back: open a new one next time.
            probers.Remove(key);
            prober.Dispose();
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or FormatException or IOException)
        {
            error = e.Message;
        }
        machine.Step(Now, new ProbeNotSent(probe.Interface, probe.Sequence, error ?? "not sent"));
    }

    private void Discover(string group, InterfaceGroupMachine machine, DiscoverTargets discover)
    {
        if (!discovering.Add(group + "/" + discover.Interface)) return;
        _ = Task.Run(async () =>
        {
            IReadOnlyList<string> found = [];
            try
            {
                // Routers on the link that answer an echo (a flush after all targets went silent must not bring the
                // same silent router back), else the hosts answering the all-hosts echo.
                var source = IPAddress.Parse(discover.Source);
                var routers = new List<IPAddress>();
                foreach (var router in TargetDiscovery.Routers(discover.Interface).Take(InterfaceGroupMachine.MaxTargets))
                    if ((await AddressTool.VerifyAsync(discover.Interface, source, [router], DiscoveryWait / 2, stopping.Token)).Ok)
                        routers.Add(router);
                var list = routers.Count > 0 ? routers
                    : await TargetDiscovery.AllHostsEchoAsync(discover.Interface, source, InterfaceGroupMachine.MaxTargets, DiscoveryWait, stopping.Token);
                found = list.Select(a => a.ToString()).ToList();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log($"target discovery on {discover.Interface} failed: {e.Message}");
            }
            Post(() =>
            {
                discovering.Remove(group + "/" + discover.Interface);
                machine.Step(Now, new TargetsDiscovered(discover.Interface, found));
            });
        });
    }

    private void Background(InterfaceGroupMachine machine, long op, Func<CancellationToken, Task<(bool Ok, string Detail)>> work)
    {
        _ = Task.Run(async () =>
        {
            (bool Ok, string Detail) result;
            try
            {
                result = await work(stopping.Token);
            }
            catch (Exception e)
            {
                result = (false, e.Message);
            }
            Post(() => machine.Step(Now, new AddressOpFinished(op, result.Ok, result.Detail)));
        });
    }

    /// <summary>
    /// Add and announce on the new interface, take the address off its old interface and off any other interface of
    /// the group where it was left (an agent killed mid-move), so it is never up twice; then, when asked, verify it
    /// answers through the new interface. A verified move that fails puts the address back where it was. (Verifying
    /// after the old copy is gone matters: while both interfaces hold it, a neighbour's ARP may pick the old one and
    /// the reply would not come back through the new interface.)
    /// </summary>
    private async Task<(bool Ok, string Detail)> PlaceAsync(string group, PlaceAddress place, CancellationToken cancel)
    {
        var added = await AddressTool.AddAsync(place.Interface, place.Address, cancel);
        if (!added.Ok) return (false, $"adding {place.Address} on {place.Interface}: {added.Detail}");
        foreach (var other in InterfacesOf(group).Where(i => i != place.Interface))
            if (other == place.From || AddressTool.IsPresent(other, place.Address))
                await AddressTool.RemoveAsync(other, place.Address, cancel);
        if (!place.Verify) return (true, $"{place.Address} up on {place.Interface}");
        var ip = IPAddress.Parse(place.Address.Split('/')[0]);
        var targets = place.VerifyTargets.Select(IPAddress.Parse).ToList();
        var verified = await AddressTool.VerifyAsync(place.Interface, ip, targets, VerifyTimeout, cancel);
        if (verified.Ok) return (true, $"{place.Address} up on {place.Interface}, verified: {verified.Detail}");
        if (place.From is { } from && from != place.Interface)
        {
            var back = await AddressTool.AddAsync(from, place.Address, cancel);
            if (!back.Ok) log($"putting {place.Address} back on {from} failed: {back.Detail}");
        }
        await AddressTool.RemoveAsync(place.Interface, place.Address, cancel);
        return (false, $"{place.Address} on {place.Interface} did not verify: {verified.Detail}");
    }

    private void Save(PersistedPlacement placement)
    {
        try
        {
            store.Save(placement);
        }
        catch (IOException e)
        {
            log($"cannot save interface group {placement.Group}'s placement: {e.Message}");
        }
    }

    /// <summary>ARP settings for the group's interfaces, test addresses present, and the first link states.</summary>
    private void Prepare(InterfaceGroupConfig group, InterfaceGroupMachine machine)
    {
        foreach (var item in group.Interfaces)
        {
            var facts = LinkWatcher.Read(item.Name);
            if (!facts.Exists)
            {
                log($"interface {item.Name} of group {group.Name} does not exist on this host (offline until it appears)");
                continue;
            }
            AddressTool.PrepareInterface(item.Name, log);
            if (item.TestAddress is { } test && !AddressTool.IsPresent(item.Name, test))
            {
                var added = AddressTool.AddAsync(item.Name, test, CancellationToken.None).GetAwaiter().GetResult();
                log(added.Ok ? $"test address {test} added on {item.Name}" : $"cannot add test address {test} on {item.Name}: {added.Detail}");
            }
            machine.Step(Now, new LinkObserved(item.Name, facts));
        }
    }
}
