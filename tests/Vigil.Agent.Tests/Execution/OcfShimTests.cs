using System.Diagnostics;
using System.Runtime.Versioning;
using Vigil.Cli.Agent.Execution.Ocf;

namespace Vigil.Agent.Tests.Execution;

/// <summary>The Pacemaker tool shims, run as processes the way agents run them.</summary>
[SupportedOSPlatform("linux")]
public sealed class OcfShimTests : IDisposable
{
    private readonly OcfSandbox box = new();
    private readonly string bin;

    public OcfShimTests()
    {
        bin = PacemakerShims.Ensure(box.Settings.RunDir, box.Settings.DataDir);
        PacemakerShims.WriteClusterFacts(box.Settings.RunDir, "n1", ["n1", "n2", "n3"], ["n1", "n3"], quorate: true);
    }

    private string RunDir => box.Settings.RunDir;

    private string DataDir => box.Settings.DataDir;

    public void Dispose() => box.Dispose();

    [Fact]
    public void Ensure_is_idempotent_and_writes_executable_scripts()
    {
        Assert.Equal(bin, PacemakerShims.Ensure(RunDir, DataDir));
        File.Delete(Path.Combine(bin, "crm_node"));
        Assert.Equal(bin, PacemakerShims.Ensure(RunDir, DataDir)); // a deleted shim is written again
        foreach (var tool in PacemakerShims.ToolNames)
        {
            var path = Path.Combine(bin, tool);
            Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), tool);
            Assert.StartsWith("#!/bin/sh\n", File.ReadAllText(path), StringComparison.Ordinal);
        }
        Assert.Empty(Directory.GetFiles(bin, "*.tmp"));
    }

    [Fact]
    public async Task Crm_attribute_transient_set_query_delete()
    {
        Assert.Equal(0, await Exit("crm_attribute", "-N", "n1", "-l", "reboot", "--name", "rabbit-master", "--update", "true"));
        Assert.Equal("true", File.ReadAllText(PacemakerShims.TransientAttributePath(RunDir, "n1", "rabbit-master")));
        Assert.Equal((0, "scope=status  name=rabbit-master value=true\n"), await Out(Shim("crm_attribute", "-N", "n1", "-l", "reboot", "--name", "rabbit-master", "--query")));
        Assert.Equal((0, "true\n"), await Out(Shim("crm_attribute", "--lifetime=reboot", "--name=rabbit-master", "-G", "-q")));
        Assert.Equal((0, "true\n"), await Out(Shim("crm_attribute", "-t", "status", "-n", "rabbit-master", "-Gq"))); // --type status, flags bundled
        Assert.Equal(0, await Exit("crm_attribute", "-N", "n1", "-l", "reboot", "--name", "rabbit-master", "--delete"));
        Assert.False(File.Exists(PacemakerShims.TransientAttributePath(RunDir, "n1", "rabbit-master")));
        Assert.Equal(0, await Exit("crm_attribute", "-l", "reboot", "-n", "rabbit-master", "-D")); // deleting what is gone is fine
    }

    [Fact]
    public async Task Crm_attribute_permanent_is_the_default_with_a_node_and_lives_in_the_data_dir()
    {
        Assert.Equal(0, await Exit("crm_attribute", "--node", "n2", "--name", "cookie", "-v", "rabbit@n2"));
        Assert.Equal("rabbit@n2", File.ReadAllText(PacemakerShims.PermanentAttributePath(DataDir, "n2", "cookie")));
        Assert.Equal((0, "scope=nodes  name=cookie value=rabbit@n2\n"), await Out(Shim("crm_attribute", "-N", "n2", "-l", "forever", "--query", "--name", "cookie")));
        Assert.Equal((0, "rabbit@n2\n"), await Out(Shim("crm_attribute", "--type", "nodes", "--node", "n2", "-n", "cookie", "-G", "-q")));
        Assert.Equal(0, await Exit("crm_attribute", "-N", "n2", "-n", "cookie", "-D"));
        Assert.False(File.Exists(PacemakerShims.PermanentAttributePath(DataDir, "n2", "cookie")));
    }

    [Fact]
    public async Task Crm_attribute_query_of_a_missing_attribute_fails_like_Pacemaker()
    {
        var loud = await Shim("crm_attribute", "-l", "reboot", "-n", "nothing", "-G");
        Assert.Equal((PacemakerShims.MissingExitCode, "scope=status  name=nothing value=(null)\n"), (loud.Exit, loud.Stdout));
        Assert.Contains("No such device or address", loud.Stderr, StringComparison.Ordinal);
        Assert.Equal((PacemakerShims.MissingExitCode, ""), await Out(Shim("crm_attribute", "-l", "reboot", "-n", "nothing", "-G", "-q")));
        Assert.Equal((0, "fallback\n"), await Out(Shim("crm_attribute", "-l", "forever", "-n", "nothing", "-G", "-q", "-d", "fallback")));
    }

    [Fact]
    public async Task Crm_attribute_refuses_cluster_options_and_unknown_options_clearly()
    {
        var option = await Shim("crm_attribute", "--type", "crm_config", "--name", "repl_info", "-v", "x");
        Assert.Equal(3, option.Exit);
        Assert.Contains("not supported under Vigil", option.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, await Exit("crm_attribute", "-n", "cluster-delay", "-G")); // no node, no lifetime: a cluster option
        var unknown = await Shim("crm_attribute", "--frobnicate");
        Assert.Equal(64, unknown.Exit);
        Assert.Contains("unknown option '--frobnicate'", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(64, await Exit("crm_attribute", "-l", "reboot", "-n", "../escape", "-v", "x"));
    }

    [Fact]
    public async Task Crm_attribute_promotion_scores_as_ocf_promotion_score_sets_them()
    {
        var env = new Dictionary<string, string> { ["OCF_RESOURCE_INSTANCE"] = "db" };
        Assert.Equal(0, await Exit(env, "crm_attribute", "-p", "-v", "10"));
        Assert.Equal("10", File.ReadAllText(PacemakerShims.TransientAttributePath(RunDir, "n1", "master-db")));
        Assert.Equal((0, "10\n"), await Out(Shim(env, "crm_attribute", "-p", "-G", "-q")));
        Assert.Equal((0, "10\n"), await Out(Shim("crm_attribute", "--promotion=db", "-G", "-q")));
    }

    [Fact]
    public async Task Crm_master_sets_master_resource()
    {
        var env = new Dictionary<string, string> { ["OCF_RESOURCE_INSTANCE"] = "pg" };
        Assert.Equal(0, await Exit(env, "crm_master", "-l", "reboot", "-v", "100"));
        Assert.Equal("100", File.ReadAllText(PacemakerShims.TransientAttributePath(RunDir, "n1", "master-pg")));
        Assert.Equal((0, "100\n"), await Out(Shim(env, "crm_master", "-l", "reboot", "-G", "--quiet")));
        Assert.Equal(0, await Exit(env, "crm_master", "-Q", "-v", "5")); // lifetime forever by default, -Q is quiet
        Assert.Equal("5", File.ReadAllText(PacemakerShims.PermanentAttributePath(DataDir, "n1", "master-pg")));
        Assert.Equal(0, await Exit(env, "crm_master", "-l", "reboot", "-D"));
        Assert.False(File.Exists(PacemakerShims.TransientAttributePath(RunDir, "n1", "master-pg")));
        Assert.Equal(0, await Exit("crm_master", "-r", "other", "-l", "reboot", "-v", "1"));
        Assert.True(File.Exists(PacemakerShims.TransientAttributePath(RunDir, "n1", "master-other")));
        Assert.Equal(64, await Exit("crm_master", "-v", "1")); // no resource
    }

    [Fact]
    public async Task Attrd_updater_update_query_delete()
    {
        Assert.Equal(0, await Exit("attrd_updater", "-n", "ethmonitor-eth0", "-v", "1"));
        Assert.Equal("1", File.ReadAllText(PacemakerShims.TransientAttributePath(RunDir, "n1", "ethmonitor-eth0")));
        Assert.Equal((0, "name=\"ethmonitor-eth0\" host=\"n1\" value=\"1\"\n"), await Out(Shim("attrd_updater", "-n", "ethmonitor-eth0", "-Q")));
        Assert.Equal(0, await Exit("attrd_updater", "-p", "--name", "gtid", "--node", "n3", "--update", "a b", "-d", "5s"));
        Assert.Equal((0, "name=\"gtid\" host=\"n3\" value=\"a b\"\n"), await Out(Shim("attrd_updater", "-p", "-N", "n3", "-n", "gtid", "-Q")));
        Assert.Equal(0, await Exit("attrd_updater", "-n", "gtid", "-U", "c"));
        Assert.Equal((0, "name=\"gtid\" host=\"n1\" value=\"c\"\nname=\"gtid\" host=\"n3\" value=\"a b\"\n"),
            await Out(Shim("attrd_updater", "-A", "-n", "gtid", "-Q")));
        Assert.Equal(0, await Exit("attrd_updater", "-D", "-n", "ethmonitor-eth0"));
        var missing = await Shim("attrd_updater", "-Q", "-n", "ethmonitor-eth0");
        Assert.Equal(PacemakerShims.MissingExitCode, missing.Exit);
        Assert.Contains("attribute does not exist", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_node_named_by_the_agent_environment_wins_over_the_facts()
    {
        var env = new Dictionary<string, string> { ["OCF_RESKEY_CRM_meta_on_node"] = "n2" };
        Assert.Equal(0, await Exit(env, "attrd_updater", "-n", "x", "-v", "1"));
        Assert.True(File.Exists(PacemakerShims.TransientAttributePath(RunDir, "n2", "x")));
        Assert.Equal((0, "n2\n"), await Out(Shim(env, "crm_node", "-n")));
    }

    [Fact]
    public async Task Crm_node_reports_the_cluster_facts()
    {
        Assert.Equal((0, "n1\n"), await Out(Shim("crm_node", "-n")));
        Assert.Equal((0, "1 n1 member\n2 n2 lost\n3 n3 member\n"), await Out(Shim("crm_node", "-l")));
        Assert.Equal((0, "n1 n3\n"), await Out(Shim("crm_node", "-p")));
        Assert.Equal((0, "1\n"), await Out(Shim("crm_node", "-q")));
        Assert.Equal((0, "1\n"), await Out(Shim("crm_node", "-i")));
        Assert.Equal((0, "n2\n"), await Out(Shim("crm_node", "-N", "2")));

        PacemakerShims.WriteClusterFacts(RunDir, "n1", ["n1", "n2", "n3"], ["n1"], quorate: false);
        Assert.Equal((0, "0\n"), await Out(Shim("crm_node", "--quorum")));
        Assert.Equal((0, "n1\n"), await Out(Shim("crm_node", "--partition")));
        Assert.Equal((0, "1 n1 member\n2 n2 lost\n3 n3 lost\n"), await Out(Shim("crm_node", "--list")));
    }

    [Fact]
    public async Task Crm_node_without_facts_says_so()
    {
        Directory.Delete(Path.Combine(RunDir, "cluster"), recursive: true);
        var list = await Shim("crm_node", "-l");
        Assert.Equal(1, list.Exit);
        Assert.Contains("cluster membership is not known yet", list.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await Exit("crm_node", "-n")); // falls back to uname -n
    }

    [Fact]
    public void Cluster_facts_are_plain_files()
    {
        var cluster = Path.Combine(RunDir, "cluster");
        Assert.Equal("n1\n", File.ReadAllText(Path.Combine(cluster, "node")));
        Assert.Equal("n1\nn2\nn3\n", File.ReadAllText(Path.Combine(cluster, "nodes")));
        Assert.Equal("n1\nn3\n", File.ReadAllText(Path.Combine(cluster, "members")));
        Assert.Equal("1\n", File.ReadAllText(Path.Combine(cluster, "quorum")));
        Assert.Empty(Directory.GetFiles(cluster, "*.tmp"));
    }

    private static async Task<(int Exit, string Stdout)> Out(Task<(int Exit, string Stdout, string Stderr)> run)
    {
        var (exit, stdout, _) = await run;
        return (exit, stdout);
    }

    private async Task<int> Exit(string tool, params string[] args) => (await Shim([], tool, args)).Exit;

    private async Task<int> Exit(Dictionary<string, string> env, string tool, params string[] args) => (await Shim(env, tool, args)).Exit;

    private Task<(int Exit, string Stdout, string Stderr)> Shim(string tool, params string[] args) => Shim([], tool, args);

    /// <summary>Runs a shim with a clean environment (plus <paramref name="env"/>), as a child process.</summary>
    private async Task<(int Exit, string Stdout, string Stderr)> Shim(Dictionary<string, string> env, string tool, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(bin, tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OCF_", StringComparison.Ordinal) || k.StartsWith("VIGIL_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in env) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
