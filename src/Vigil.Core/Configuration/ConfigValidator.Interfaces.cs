using Vigil.Core.Configuration.Yaml;

namespace Vigil.Core.Configuration;

/// <summary>Interface groups and ip_address resources.</summary>
internal sealed partial class ConfigValidator
{
    private void CheckInterfaceGroups()
    {
        foreach (var group in config.InterfaceGroups)
        {
            CheckKnown(group.Node, nodes.Keys, "node", $"for interface group '{group.Name}'", m => Report(group, "node", m));
            foreach (var item in group.Interfaces) CheckBackup(group, item);
        }
    }

    /// <summary>A backup must be another interface of the group, and the partner names this one or nothing.</summary>
    private void CheckBackup(InterfaceGroupConfig group, InterfaceConfig item)
    {
        if (item.Backup is not { } backup) return;
        void Say(string m) => Report(item, "backup", m);
        var partner = group.Interfaces.FirstOrDefault(i => i.Name == backup);
        if (backup == item.Name) Say($"interface '{item.Name}' names itself as its backup");
        else if (partner is null)
            Say($"backup '{backup}' of interface '{item.Name}' is not an interface of interface group '{group.Name}'" +
                DidYouMean.Hint(backup, group.Interfaces.Select(i => i.Name)));
        else if (partner.Backup is { } other && other != item.Name)
            Say($"interface '{item.Name}' names '{backup}' as its backup, but '{backup}' names '{other}'; " +
                $"'{backup}' must name '{item.Name}' or no backup");
    }

    private void CheckIpAddresses()
    {
        var groupOf = new Dictionary<string, ResourceGroupConfig>(StringComparer.Ordinal);
        foreach (var group in config.ResourceGroups)
            foreach (var member in group.Resources) groupOf.TryAdd(member, group);
        foreach (var resource in config.Resources.Where(r => r.Type == "ip_address"))
        {
            CheckIpAddressParam(resource);
            if (resource.Params.TryGetValue("interface_group", out var interfaceGroup))
                CheckInterfaceGroupCoverage(resource, interfaceGroup, groupOf.GetValueOrDefault(resource.Name));
            else
                Report(resource, "name", $"ip_address resource '{resource.Name}' needs an 'interface_group' param");
        }
    }

    private void CheckIpAddressParam(ResourceConfig resource)
    {
        if (!resource.Params.TryGetValue("address", out var address))
            Report(resource, "name", $"ip_address resource '{resource.Name}' needs an 'address' param " +
                "(IP/prefix, for example 192.168.85.50/24)");
        else if (!AddressParser.TryParseCidr(address, out _, out _))
            Report(resource, "params.address", $"invalid address '{address}' for resource '{resource.Name}'; " +
                "expected IP/prefix, for example 192.168.85.50/24");
    }

    private void CheckInterfaceGroupCoverage(ResourceConfig resource, string name, ResourceGroupConfig? group)
    {
        var defined = config.InterfaceGroups.Where(g => g.Name == name).Select(g => g.Node).ToHashSet(StringComparer.Ordinal);
        if (defined.Count == 0)
        {
            CheckKnown(name, config.InterfaceGroups.Select(g => g.Name).Distinct(), "interface group",
                $"for resource '{resource.Name}'", m => Report(resource, "params.interface_group", m));
            return;
        }

        if (group is null || !policies.TryGetValue(group.Policy, out var policy)) return;
        foreach (var node in policy.Domain.Distinct().Where(n => nodes.ContainsKey(n) && !defined.Contains(n)))
            Report(resource, "params.interface_group", $"resource '{resource.Name}' uses interface group '{name}', " +
                $"which is not defined on node {node} (in the domain of failover policy '{policy.Name}')");
    }
}
