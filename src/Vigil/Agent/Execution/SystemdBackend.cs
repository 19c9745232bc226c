using Vigil.Core.Configuration;
using Vigil.Core.Node;

namespace Vigil.Cli.Agent.Execution;

/// <summary>
/// Resource type <c>systemd:UNIT</c>: start and stop are <c>systemctl start|stop UNIT</c> (exit 0 = success; a
/// stop of a unit systemd does not know, exit 5, is a stop of something not running), restart is
/// <c>systemctl restart UNIT</c>, monitor and exclusive are <c>systemctl is-active UNIT</c> (exit 0 = running;
/// otherwise not running, with the state systemd printed). On a host that does not run systemd (no
/// /run/systemd/system, or no systemctl) every action fails with that reason, except stop and exclusive, which
/// report "not running" so a group can still stop. The unit must not also be enabled to start at boot: Vigil
/// decides where it runs.
/// </summary>
/// <param name="systemdRoot">The directory that exists only while systemd runs as init (sd_booted's test).</param>
/// <param name="systemctl">The systemctl program: a name looked up on PATH, or a path.</param>
internal sealed class SystemdBackend(string systemdRoot = SystemdBackend.DefaultSystemdRoot, string systemctl = "systemctl") : IResourceBackend
{
    public const string DefaultSystemdRoot = "/run/systemd/system";

    /// <summary>systemctl's exit code for a unit it does not know (LSB "not installed").</summary>
    private const int UnitNotLoaded = 5;

    public async Task<ActionOutcome> RunAsync(ResourceRun run, CancellationToken cancel)
    {
        var unit = run.Type.StartsWith("systemd:", StringComparison.Ordinal) ? run.Type["systemd:".Length..] : "";
        if (!IsUnitName(unit)) return new ActionOutcome(ActionResult.Failed, $"{run.Type}: '{unit}' is not a systemd unit name");
        var program = ChildProcess.Locate(systemctl);
        if (!Directory.Exists(systemdRoot) || program is null)
        {
            var why = !Directory.Exists(systemdRoot) ? $"no {systemdRoot}" : $"no {systemctl}";
            return NoSystemd(run.Action, $"systemd:{unit}: this host does not run systemd ({why}); use a process or ocf: resource instead");
        }
        return run.Action switch
        {
            ResourceAction.Start => Command(await Systemctl(program, "start", unit, run, cancel), "start", unit, ResourceAction.Start),
            ResourceAction.Stop => Command(await Systemctl(program, "stop", unit, run, cancel), "stop", unit, ResourceAction.Stop),
            ResourceAction.Restart => Command(await Systemctl(program, "restart", unit, run, cancel), "restart", unit, ResourceAction.Restart),
            _ => State(await Systemctl(program, "is-active", unit, run, cancel), unit),
        };
    }

    private static Task<ChildResult> Systemctl(string program, string verb, string unit, ResourceRun run, CancellationToken cancel) =>
        ChildProcess.RunAsync(program, [verb, unit], new Dictionary<string, string> { ["SYSTEMD_PAGER"] = "" },
            run.Settings.ConfigDirectory, run.Timeout, null, cancel);

    private static ActionOutcome Command(ChildResult result, string verb, string unit, ResourceAction action)
    {
        var detail = $"systemctl {verb} {unit}: {result.Describe()}" + (result.LastLine.Length > 0 ? ": " + result.LastLine : "");
        if (result.TimedOut) return new ActionOutcome(ActionResult.TimedOut, detail, result.Output);
        if (result.Succeeded) return new ActionOutcome(ActionResult.Success, detail, result.Output);
        if (action == ResourceAction.Stop && result.ExitCode == UnitNotLoaded)
            return new ActionOutcome(ActionResult.Success, detail + " (not loaded: not running)", result.Output);
        return new ActionOutcome(ActionResult.Failed, detail, result.Output);
    }

    /// <summary>is-active prints the unit's state (active, inactive, failed, activating…) and exits 0 only for active.</summary>
    private static ActionOutcome State(ChildResult result, string unit)
    {
        if (result.TimedOut) return new ActionOutcome(ActionResult.TimedOut, $"systemctl is-active {unit}: {result.Describe()}", result.Output);
        if (result.StartError is not null) return new ActionOutcome(ActionResult.Failed, $"systemctl is-active {unit}: {result.Describe()}");
        var state = result.LastLine.Length > 0 ? result.LastLine : "unknown";
        return result.Succeeded
            ? new ActionOutcome(ActionResult.Running, $"{unit} is {state}")
            : new ActionOutcome(ActionResult.NotRunning, $"{unit} is {state}");
    }

    private static ActionOutcome NoSystemd(ResourceAction action, string why) => action switch
    {
        ResourceAction.Stop => new ActionOutcome(ActionResult.Success, why),
        ResourceAction.Exclusive => new ActionOutcome(ActionResult.NotRunning, why),
        _ => new ActionOutcome(ActionResult.Failed, why),
    };

    /// <summary>systemd's unit name characters; a leading '-' would read as an option.</summary>
    private static bool IsUnitName(string unit) =>
        unit.Length is > 0 and <= 256 && unit[0] != '-' && unit.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '-' or '_' or '.' or '@' or '\\');
}
