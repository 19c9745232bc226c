namespace Vigil.Core.Configuration;

/// <summary>Duplicate names.</summary>
internal sealed partial class ConfigValidator
{
    private void CheckUniqueNames()
    {
        Unique(config.Networks, n => n.Name, n => $"network '{n.Name}'");
        Unique(config.Nodes, n => n.Name, n => $"node '{n.Name}'");
        Unique(config.FenceDevices, d => d.Name, d => $"fence device '{d.Name}'");
        Unique(config.CriticalDevices, d => d.Name, d => $"critical device '{d.Name}'");
        Unique(config.ResourceTypes, t => t.Name, t => $"resource type '{t.Name}'");
        Unique(config.Resources, r => r.Name, r => $"resource '{r.Name}'");
        Unique(config.FailoverPolicies, p => p.Name, p => $"failover policy '{p.Name}'");
        Unique(config.ResourceGroups, g => g.Name, g => $"resource group '{g.Name}'");
        Unique(config.InterfaceGroups, g => $"{g.Name}\n{g.Node}", g => $"interface group '{g.Name}' on node '{g.Node}'");
        foreach (var group in config.InterfaceGroups)
            Unique(group.Interfaces, i => i.Name, i => $"interface '{i.Name}' in interface group '{group.Name}'");
        foreach (var type in config.ResourceTypes.Where(t => ResourceTypeCatalog.BuiltInTypes.Contains(t.Name)))
            Report(type, "name", $"resource type name '{type.Name}' is built in; choose another name");
    }

    /// <summary>Reports every entry whose key an earlier entry already uses.</summary>
    private void Unique<T>(IEnumerable<T> items, Func<T, string> key, Func<T, string> describe) where T : notnull
    {
        var first = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!first.TryAdd(key(item), item))
                Report(item, "name", $"duplicate {describe(item)} (first defined on line {LineOf(first[key(item)], "name")})");
        }
    }
}
