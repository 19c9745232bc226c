using System.Collections.Immutable;
using Vigil.Core.Coordination;

namespace Vigil.Simulation;

/// <summary>Runs custom failover scripts in the simulation (the real agent runs the executable).</summary>
public interface IFailoverScriptRunner
{
    /// <summary>The new run-time domain, or an error text.</summary>
    (ImmutableArray<string>? Domain, string? Error) Run(RunFailoverScript script);
}

/// <summary>The default script: returns the run-time domain unchanged.</summary>
public sealed class UnchangedDomainScript : IFailoverScriptRunner
{
    public (ImmutableArray<string>? Domain, string? Error) Run(RunFailoverScript script) => (script.RuntimeDomain, null);
}
