namespace Vigil.Core.Configuration;

/// <summary>Resource types, resources and their dependencies.</summary>
internal sealed partial class ConfigValidator
{
    private static readonly ResourceAction[] RequiredActions = [ResourceAction.Start, ResourceAction.Stop, ResourceAction.Monitor];

    private IEnumerable<string> TypeNames => types.Keys.Concat(ResourceTypeCatalog.BuiltInTypes);

    private void CheckResourceTypes()
    {
        foreach (var type in config.ResourceTypes)
        {
            var missing = RequiredActions.Where(a => !type.Actions.ContainsKey(a)).Select(a => a.ToString().ToLowerInvariant()).ToList();
            if (missing.Count > 0)
                Report(type, "actions", $"resource type '{type.Name}' lacks the {string.Join(", ", missing)} " +
                    $"action{(missing.Count > 1 ? "s" : "")}; every type needs at least start, stop and monitor");
            for (var i = 0; i < type.RequiresTypes.Count; i++)
            {
                var index = i;
                if (!catalog.IsKnown(type.RequiresTypes[i]))
                    CheckKnown(type.RequiresTypes[i], TypeNames, "resource type", $"in requires_types of type '{type.Name}'",
                        m => Report(type, "requires_types", index, m));
            }
        }
    }

    private void CheckResources()
    {
        foreach (var resource in config.Resources)
        {
            if (resource.Type.Length > 0 && !catalog.IsKnown(resource.Type))
                CheckKnown(resource.Type, TypeNames, "resource type", $"for resource '{resource.Name}' (declare it in " +
                    "resource_types, or use ip_address, process, ocf:PROVIDER:AGENT or systemd:UNIT)",
                    m => Report(resource, "type", m));
            for (var i = 0; i < resource.DependsOn.Count; i++)
            {
                var index = i;
                CheckKnown(resource.DependsOn[i], resources.Keys, "resource", $"in depends_on of resource '{resource.Name}'",
                    m => Report(resource, "depends_on", index, m));
            }
        }
    }

    /// <summary>Depth-first search over depends_on; each back edge is one cycle, reported as "a -> b -> a".</summary>
    private void CheckDependencyCycles()
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false = on the path, true = done
        foreach (var resource in resources.Values) Visit(resource, [], state);
    }

    private void Visit(ResourceConfig resource, List<string> path, Dictionary<string, bool> state)
    {
        if (state.ContainsKey(resource.Name)) return;
        state[resource.Name] = false;
        path.Add(resource.Name);
        for (var i = 0; i < resource.DependsOn.Count; i++)
        {
            if (!resources.TryGetValue(resource.DependsOn[i], out var next)) continue;
            if (state.TryGetValue(next.Name, out var done) && !done)
            {
                var cycle = path.Skip(path.IndexOf(next.Name)).Append(next.Name);
                Report(resource, "depends_on", i, $"dependency cycle: {string.Join(" -> ", cycle)}");
            }
            else Visit(next, path, state);
        }

        path.RemoveAt(path.Count - 1);
        state[resource.Name] = true;
    }
}
