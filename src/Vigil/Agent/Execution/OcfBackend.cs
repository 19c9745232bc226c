using Vigil.Core.Node;

namespace Vigil.Cli.Agent.Execution;

/// <summary>Placeholder: being built.</summary>
internal sealed class OcfBackend : IResourceBackend
{
    public Task<ActionOutcome> RunAsync(ResourceRun run, CancellationToken cancel) =>
        Task.FromResult(new ActionOutcome(ActionResult.Failed, "not built yet"));
}
