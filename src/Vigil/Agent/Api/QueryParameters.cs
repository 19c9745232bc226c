namespace Vigil.Cli.Agent.Api;

/// <summary>
/// Query parameters of a request's query string (`?after=5&amp;limit=10`), read as ASP.NET Core's `Request.Query` did:
/// pairs split at '&amp;', name and value at the first '=' (a name without '=' has the value ""), empty pairs skipped,
/// '+' a space and %XX escapes decoded (UTF-8) in both, names compared ignoring case, the first value of a name wins.
/// </summary>
internal static class QueryParameters
{
    /// <summary>The decoded value of the first parameter named <paramref name="name"/>, or null when there is none.</summary>
    /// <param name="query">The raw query string, with or without its leading '?' (Kestrel's IHttpRequestFeature.QueryString).</param>
    public static string? First(string? query, string name) =>
        Pairs(query).Where(p => string.Equals(Decode(p.Name), name, StringComparison.OrdinalIgnoreCase))
            .Select(p => Decode(p.Value)).FirstOrDefault();

    /// <summary>The query's raw (still encoded) name/value pairs in order.</summary>
    internal static IEnumerable<(string Name, string Value)> Pairs(string? query) =>
        (query is ['?', .. var rest] ? rest : query ?? "")
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.IndexOf('=', StringComparison.Ordinal) is var at and >= 0 ? (pair[..at], pair[(at + 1)..]) : (pair, ""));

    /// <summary>A query name or value decoded: '+' is a space, then %XX escapes (UTF-8; malformed ones stay as they are).</summary>
    internal static string Decode(string encoded) => Uri.UnescapeDataString(encoded.Replace('+', ' '));
}
