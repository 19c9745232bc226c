using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Vigil.Cli.Agent.Api;

/// <summary>
/// A request to the admin API as <see cref="AgentApi"/> reads it: straight from the features Kestrel provides, without
/// an HttpContext (DefaultHttpContext, its query parsing and its user would load Microsoft.AspNetCore.Http,
/// Microsoft.AspNetCore.WebUtilities and System.Security.Claims into the agent: docs/agent.md, Memory).
/// </summary>
internal sealed class ApiRequest(IFeatureCollection features)
{
    private readonly IHttpRequestFeature request = features.GetRequiredFeature<IHttpRequestFeature>();

    public bool IsGet => string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase);

    public bool IsPost => string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase);

    /// <summary>The path as Kestrel decoded it (%2F stays encoded), as HttpRequest.Path was.</summary>
    public string Path => request.Path;

    /// <summary>The Authorization header's values (none when it is missing).</summary>
    public StringValues Authorization => request.Headers.Authorization;

    /// <summary>The body; reading more than Kestrel's MaxRequestBodySize throws BadHttpRequestException (413).</summary>
    public Stream Body => request.Body;

    /// <summary>Cancelled when the client goes away.</summary>
    public CancellationToken Aborted => features.GetRequiredFeature<IHttpRequestLifetimeFeature>().RequestAborted;

    /// <summary>The first value of the query parameter <paramref name="name"/> (<see cref="QueryParameters"/>), or null.</summary>
    public string? Query(string name) => QueryParameters.First(request.QueryString, name);
}
