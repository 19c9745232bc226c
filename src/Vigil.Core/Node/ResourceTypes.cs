using System.Collections.Immutable;
using Vigil.Core.Configuration;

namespace Vigil.Core.Node;

/// <summary>Per-resource type facts the lifecycle needs (timeouts, intervals, restart action), resolved once.</summary>
internal sealed class ResourceTypes(ClusterConfig config)
{
    private readonly ResourceTypeCatalog catalog = new(config.ResourceTypes);

    public ResourceTypeConfig TypeOf(string resource) => catalog.Resolve(config.Resource(resource).Type);

    public TimeSpan MonitorInterval(string resource) => TypeOf(resource).MonitorInterval;

    public TimeSpan Timeout(string resource, ResourceAction action) => TypeOf(resource).Timeouts.For(action);

    public bool HasRestartAction(string resource) => TypeOf(resource).Actions.ContainsKey(ResourceAction.Restart);

    public ImmutableArray<string> WithDependents(ImmutableArray<string> order, string resource) =>
        ResourceOrder.WithDependents(config, order, resource);
}
