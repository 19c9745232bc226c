using Vigil.Agent.Tests.Cluster;

namespace Vigil.Agent.Tests.Execution;

/// <summary>`vigil validate` and `vigil config apply` refuse bad process params and inline fence passwords, located.</summary>
public class ConfigHostCheckTests
{
    private const string Config = """
        cluster: { name: c, id: 1 }
        networks: [ { name: ring0 } ]
        nodes:
          - { name: n1, addresses: { ring0: 127.0.0.1:7001 }, fence: { device: pdu, port: "1" } }
          - { name: n2, addresses: { ring0: 127.0.0.1:7002 }, fence: { device: pdu, port: "2" } }
        fence_devices:
          - { name: pdu, agent: fence_apc, params: { ipaddr: 10.0.0.5, login: admin, passwd: secret123 } }
        resources:
          - { name: app, type: process, params: { comand: "sleep 1000" } }
        failover_policies:
          - { name: p, domain: [n1, n2] }
        resource_groups:
          - { name: g, resources: [app], policy: p }
        """;

    [Fact]
    public void Validate_reports_process_params_and_inline_passwords_with_their_place_and_never_the_password()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-hostcheck-").FullName;
        try
        {
            var path = Path.Combine(dir, "cluster.yaml");
            File.WriteAllText(path, Config);
            var (code, output) = VigilCli.Run("validate", path);
            Assert.Equal(1, code);
            Assert.Matches(@"cluster\.yaml:7:5: .*passw", output);
            Assert.Matches(@"cluster\.yaml:9:5: .*command", output);
            Assert.DoesNotContain("secret123", output, StringComparison.Ordinal);

            (code, output) = VigilCli.Run("config", "apply", path, "--api", "127.0.0.1:1");
            Assert.Equal(1, code);
            Assert.Contains("nothing applied", output, StringComparison.Ordinal);
            Assert.DoesNotContain("no agent reachable", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
