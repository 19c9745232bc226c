namespace Vigil.Core.Configuration;

/// <summary>The outcome of loading a configuration: a config when there is no problem, else the problems.</summary>
/// <param name="Config">Non-null exactly when <paramref name="Problems"/> is empty.</param>
/// <param name="Problems">Every problem found, in file order.</param>
public sealed record ConfigLoadResult(ClusterConfig? Config, IReadOnlyList<ConfigProblem> Problems)
{
    public bool IsValid => Config is not null;
}
