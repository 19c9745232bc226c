namespace Vigil.Core.Configuration;

/// <summary>Failover policies and resource groups.</summary>
internal sealed partial class ConfigValidator
{
    private void CheckPolicies()
    {
        foreach (var policy in config.FailoverPolicies)
        {
            if (policy.Domain.Count == 0)
                Report(policy, "domain", $"failover policy '{policy.Name}' has an empty domain; list at least one node");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < policy.Domain.Count; i++)
                CheckDomainNode(policy, i, seen);
        }
    }

    private void CheckDomainNode(FailoverPolicyConfig policy, int i, HashSet<string> seen)
    {
        var name = policy.Domain[i];
        void Say(string m) => Report(policy, "domain", i, m);
        if (!seen.Add(name)) Say($"node '{name}' appears twice in the domain of failover policy '{policy.Name}'");
        else if (!CheckKnown(name, nodes.Keys, "node", $"in the domain of failover policy '{policy.Name}'", Say)) { }
        else if (nodes[name].Role == NodeRole.Witness)
            Say($"node '{name}' in the domain of failover policy '{policy.Name}' is a witness; witnesses host no resource groups");
    }

    private void CheckGroups()
    {
        var owner = new Dictionary<string, ResourceGroupConfig>(StringComparer.Ordinal);
        foreach (var group in config.ResourceGroups)
        {
            CheckKnown(group.Policy, policies.Keys, "failover policy", $"for resource group '{group.Name}'",
                m => Report(group, "policy", m));
            if (group.Resources.Count == 0)
                Report(group, "resources", $"resource group '{group.Name}' holds no resources");
            for (var i = 0; i < group.Resources.Count; i++)
                CheckMember(group, i, owner);
            CheckDependenciesInGroup(group);
            CheckRequiredTypes(group);
        }
    }

    private void CheckMember(ResourceGroupConfig group, int i, Dictionary<string, ResourceGroupConfig> owner)
    {
        var name = group.Resources[i];
        void Say(string m) => Report(group, "resources", i, m);
        if (!CheckKnown(name, resources.Keys, "resource", $"in resource group '{group.Name}'", Say)) return;
        if (!owner.TryAdd(name, group))
            Say(ReferenceEquals(owner[name], group)
                ? $"resource '{name}' is listed twice in resource group '{group.Name}'"
                : $"resource '{name}' is in both resource group '{owner[name].Name}' and '{group.Name}'; " +
                  "a resource belongs to at most one group");
    }

    private void CheckDependenciesInGroup(ResourceGroupConfig group)
    {
        foreach (var resource in Members(group))
            for (var i = 0; i < resource.DependsOn.Count; i++)
            {
                var dependency = resource.DependsOn[i];
                if (resources.ContainsKey(dependency) && !group.Resources.Contains(dependency))
                    Report(resource, "depends_on", i, $"resource '{resource.Name}' depends on '{dependency}', " +
                        $"which is not in its resource group '{group.Name}'; dependencies must be in the same group");
            }
    }

    private void CheckRequiredTypes(ResourceGroupConfig group)
    {
        var members = Members(group).ToList();
        var present = members.Select(r => r.Type).ToHashSet(StringComparer.Ordinal);
        foreach (var resource in members)
            foreach (var required in catalog.Resolve(resource.Type).RequiresTypes.Where(t => !present.Contains(t)))
                Report(group, "resources", group.Resources.ToList().IndexOf(resource.Name),
                    $"group {group.Name} holds {resource.Name} ({resource.Type}) which requires a resource of type {required}");
    }

    /// <summary>The group's known member resources, each once, in listed order.</summary>
    private IEnumerable<ResourceConfig> Members(ResourceGroupConfig group) =>
        group.Resources.Distinct().Where(resources.ContainsKey).Select(n => resources[n]);
}
