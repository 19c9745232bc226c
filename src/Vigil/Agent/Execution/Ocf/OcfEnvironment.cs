using System.Globalization;

namespace Vigil.Cli.Agent.Execution.Ocf;

/// <summary>
/// The environment of one OCF agent run, as Pacemaker's executor provides it (docs/resources.md "OCF agents").
/// OCF_CHECK_LEVEL stays 0: Vigil has one monitor per resource, no deeper checks at other intervals.
/// </summary>
internal static class OcfEnvironment
{
    /// <summary>Used when the agent's own PATH is empty.</summary>
    public const string DefaultPath = "/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Where agents keep state that must not survive a reboot: RUN_DIR/rsctmp (the run dir is emptied at agent start).</summary>
    public static string ResourceTempDir(string runDir) => Path.Combine(runDir, "rsctmp");

    /// <param name="ocfAction">start, stop or monitor.</param>
    /// <param name="interval">The monitor interval for a recurring monitor; zero for probes and every other action.</param>
    /// <param name="shimDir">The Pacemaker tool shims (first on PATH, and HA_SBIN_DIR).</param>
    public static Dictionary<string, string> Build(ResourceRun run, OcfAgent agent, string ocfAction, TimeSpan interval,
        TimeSpan timeout, string shimDir)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        // Params first: the cluster's own variables below win over a param that happens to share a name.
        foreach (var (name, value) in run.Params) environment["OCF_RESKEY_" + name] = value;
        var path = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } inherited ? inherited : DefaultPath;
        environment["OCF_ROOT"] = agent.OcfRoot;
        environment["OCF_RA_VERSION_MAJOR"] = "1";
        environment["OCF_RA_VERSION_MINOR"] = "1";
        environment["OCF_RESOURCE_INSTANCE"] = run.Resource;
        environment["OCF_RESOURCE_TYPE"] = agent.Name;
        environment["OCF_RESOURCE_PROVIDER"] = agent.Provider;
        environment["OCF_RESKEY_CRM_meta_interval"] = Milliseconds(interval);
        environment["OCF_RESKEY_CRM_meta_timeout"] = Milliseconds(timeout);
        environment["OCF_RESKEY_CRM_meta_name"] = ocfAction;
        environment["OCF_RESKEY_CRM_meta_on_node"] = run.Node;
        environment["OCF_CHECK_LEVEL"] = "0";
        environment["OCF_EXIT_REASON_PREFIX"] = OcfExitCodes.ExitReasonPrefix;
        environment["HA_RSCTMP"] = ResourceTempDir(run.Settings.RunDir);
        environment["HA_LOGTAG"] = $"{agent.Name}({run.Resource})";
        environment["HA_debug"] = "0";
        environment["HA_SBIN_DIR"] = shimDir; // agents call ${HA_SBIN_DIR}/crm_attribute and friends by full path
        environment["PATH"] = shimDir + ":" + path;
        environment["VIGIL_NODE"] = run.Node;
        environment["VIGIL_RUN_DIR"] = run.Settings.RunDir;
        environment["VIGIL_DATA_DIR"] = run.Settings.DataDir;
        return environment;
    }

    private static string Milliseconds(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
