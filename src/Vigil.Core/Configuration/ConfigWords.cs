namespace Vigil.Core.Configuration;

/// <summary>The words the configuration file uses for each enum value.</summary>
internal static class ConfigWords
{
    public static readonly (string, ClusterMode)[] Modes =
        [("high-availability", ClusterMode.HighAvailability), ("load-sharing", ClusterMode.LoadSharing)];

    public static readonly (string, NoQuorumAction)[] NoQuorum =
        [("stop", NoQuorumAction.Stop), ("freeze", NoQuorumAction.Freeze)];

    public static readonly (string, NodeRole)[] Roles = [("server", NodeRole.Server), ("witness", NodeRole.Witness)];

    public static readonly (string, ResourceAction)[] Actions =
    [
        ("exclusive", ResourceAction.Exclusive), ("start", ResourceAction.Start), ("stop", ResourceAction.Stop),
        ("monitor", ResourceAction.Monitor), ("restart", ResourceAction.Restart),
    ];

    public static readonly (string, FailbackMode)[] Failback =
        [("auto", FailbackMode.Auto), ("controlled", FailbackMode.Controlled)];

    public static readonly (string, RecoveryMode)[] Recovery =
        [("auto", RecoveryMode.Auto), ("in-place", RecoveryMode.InPlace)];

    public static readonly (string, InterfaceFailback)[] InterfaceFailback =
        [("auto", Configuration.InterfaceFailback.Auto), ("manual", Configuration.InterfaceFailback.Manual),
         ("stay", Configuration.InterfaceFailback.Stay)];

    public static string[] ActionNames => Actions.Select(a => a.Item1).ToArray();
}
