using System.Runtime.Versioning;
using Vigil.Cli.Agent.Execution.Ocf;
using Vigil.Core.Configuration;

namespace Vigil.Agent.Tests.Execution;

/// <summary>Meta-data parsing and the param checks, with fake agents under a temporary OCF root.</summary>
[SupportedOSPlatform("linux")]
public sealed class OcfMetadataTests : IDisposable
{
    private const string Metadata = """
        <?xml version="1.0"?>
        <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
        <resource-agent name="Web" version="1.2">
          <version>1.1</version>
          <parameters>
            <parameter name="configfile" required="1" unique="1"><content type="string" /></parameter>
            <parameter name="port" required="0"><content type="integer" default="80" /></parameter>
            <parameter name="old_port" deprecated="true"><content type="integer" /></parameter>
            <parameter name="legacy" required="1"><deprecated/><content type="string" /></parameter>
          </parameters>
          <actions>
            <action name="start" timeout="40s" />
            <action name="stop" timeout="2min" />
            <action name="monitor" timeout="20" interval="10s" depth="0" />
            <action name="meta-data" timeout="500ms" />
          </actions>
        </resource-agent>
        """;

    private readonly OcfSandbox box = new();

    public OcfMetadataTests() => box.AddAgent("Web", $"""
        [ "$1" = meta-data ] || exit 3
        echo "a warning on stderr" >&2
        cat <<'END'
        {Metadata}
        END
        """);

    public void Dispose() => box.Dispose();

    [Fact]
    public void Parse_reads_parameters_and_actions()
    {
        var metadata = OcfMetadata.Parse("noise before the XML\n" + Metadata);
        Assert.Equal("Web", metadata.Name);
        Assert.Equal("1.2", metadata.Version);
        Assert.Equal(["configfile", "port", "old_port", "legacy"], metadata.Parameters.Select(p => p.Name));
        Assert.Equal(new OcfParameter("configfile", true, true, false, "string", null), metadata.Parameters[0]);
        Assert.Equal(new OcfParameter("port", false, false, false, "integer", "80"), metadata.Parameters[1]);
        Assert.True(metadata.Parameters[2].Deprecated);
        Assert.True(metadata.Parameters[3].Deprecated);
        Assert.Equal(TimeSpan.FromSeconds(40), metadata.DefaultTimeout("start"));
        Assert.Equal(TimeSpan.FromMinutes(2), metadata.DefaultTimeout("stop"));
        Assert.Equal(new OcfActionSpec("monitor", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), 0), metadata.Actions[2]);
        Assert.Equal(TimeSpan.FromMilliseconds(500), metadata.DefaultTimeout("meta-data"));
        Assert.Null(metadata.DefaultTimeout("promote"));
    }

    [Theory]
    [InlineData("20s", 20_000)]
    [InlineData("20", 20_000)]
    [InlineData("1m", 60_000)]
    [InlineData("2min", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("250ms", 250)]
    [InlineData(" 5 sec ", 5_000)]
    public void Durations_read_as_Pacemaker_reads_them(string text, long ms) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ms), OcfMetadata.Duration(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("10 fortnights")]
    public void Unreadable_durations_are_null(string? text) => Assert.Null(OcfMetadata.Duration(text));

    [Fact]
    public void Problems_name_missing_required_and_unknown_params_but_not_deprecated_or_tracing_ones()
    {
        var problems = OcfMetadata.Problems("web", "ocf:test:Web",
            new Dictionary<string, string> { ["prot"] = "8080", ["old_port"] = "1", ["trace_ra"] = "1" }, box.OcfRoot);
        Assert.Equal(
            [
                (OcfProblemKind.MissingRequiredParam, "configfile", "resource web: ocf:test:Web requires param 'configfile'"),
                (OcfProblemKind.UnknownParam, "prot", "resource web: ocf:test:Web has no param 'prot'; did you mean 'port'? (params: configfile, port)"),
            ],
            problems.Select(p => (p.Kind, p.Param, p.Message)));
        Assert.Empty(OcfMetadata.Problems("web", "ocf:test:Web", new Dictionary<string, string> { ["configfile"] = "/etc/web.conf" }, box.OcfRoot));
    }

    [Fact]
    public void A_missing_agent_or_broken_meta_data_is_a_problem_about_the_host()
    {
        box.AddAgent("Broken", """
            echo "ocf-exit-reason:python3 missing" >&2
            exit 5
            """);
        var missing = Assert.Single(OcfMetadata.Problems("x", "ocf:test:Gone", new Dictionary<string, string>(), box.OcfRoot));
        Assert.Equal(OcfProblemKind.NotInstalled, missing.Kind);
        Assert.True(missing.IsAboutHost);
        Assert.Equal($"resource x: OCF agent ocf:test:Gone not installed (no {box.OcfRoot}/resource.d/test/Gone)", missing.Message);
        var broken = Assert.Single(OcfMetadata.Problems("y", "ocf:test:Broken", new Dictionary<string, string>(), box.OcfRoot));
        Assert.Equal(OcfProblemKind.MetadataUnreadable, broken.Kind);
        Assert.True(broken.IsAboutHost);
        Assert.Equal("resource y: cannot read the meta-data of ocf:test:Broken: meta-data exited with 5: python3 missing", broken.Message);
        Assert.Empty(OcfMetadata.Problems("z", "systemd:nginx", new Dictionary<string, string>(), box.OcfRoot));
    }

    [Fact]
    public void Meta_data_is_cached_until_the_agent_changes()
    {
        var counter = Path.Combine(box.Root, "runs");
        box.AddAgent("Counted", $"""
            echo run >> '{counter}'
            echo '<resource-agent name="Counted"><parameters/><actions/></resource-agent>'
            """);
        var agent = OcfAgent.Parse("ocf:test:Counted", box.OcfRoot)!;
        Assert.NotNull(OcfMetadata.Load(agent).Metadata);
        Assert.NotNull(OcfMetadata.Load(agent).Metadata);
        Assert.Single(File.ReadAllLines(counter));
        File.SetLastWriteTimeUtc(agent.ExecutablePath, DateTime.UtcNow.AddMinutes(1));
        Assert.NotNull(OcfMetadata.Load(agent).Metadata);
        Assert.Equal(2, File.ReadAllLines(counter).Length);
    }

    [Fact]
    public void AgentTypeCheck_points_at_the_param_key_or_the_type_value()
    {
        const string yaml = """
            cluster: { name: c, id: 1 }
            networks: [ { name: net } ]
            nodes: [ { name: n1, addresses: { net: 10.0.0.1:7400 } } ]
            resources:
              - name: web
                type: ocf:test:Web
                params:
                  configfile: /etc/web.conf
                  prot: 8080
              - { name: web2, type: "ocf:test:Web" }
              - { name: other, type: "ocf:test:Missing" }
              - { name: plain, type: process }
            failover_policies: [ { name: p, domain: [n1] } ]
            resource_groups: [ { name: g, resources: [web, web2, other, plain], policy: p } ]
            """;
        var config = ConfigLoader.Load(yaml, "c.yaml").Config;
        Assert.NotNull(config);
        var findings = AgentTypeCheck.Run(config, "c.yaml", yaml, box.OcfRoot);
        Assert.Equal(
            [
                "c.yaml:9:7: resource web: ocf:test:Web has no param 'prot'; did you mean 'port'? (params: configfile, port)",
                "c.yaml:10:25: resource web2: ocf:test:Web requires param 'configfile'",
            ],
            findings.Errors.Select(p => p.ToString()));
        Assert.Equal(
            [$"c.yaml:11:26: resource other: OCF agent ocf:test:Missing not installed (no {box.OcfRoot}/resource.d/test/Missing)"],
            findings.Warnings.Select(p => p.ToString()));
    }
}
