using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Vigil.Cli.Agent.Api;

/// <summary>An answer: status code and a body written as JSON with the given options.</summary>
internal sealed record ApiResult(int Status, object Body, JsonSerializerOptions Options)
{
    /// <summary>Writes the answer through Kestrel's response features: status, JSON content type and length, body.</summary>
    public async Task WriteAsync(IFeatureCollection features)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(Body, Body.GetType(), Options);
        var response = features.GetRequiredFeature<IHttpResponseFeature>();
        response.StatusCode = Status;
        response.Headers.ContentType = "application/json; charset=utf-8";
        response.Headers.ContentLength = bytes.Length;
        await features.GetRequiredFeature<IHttpResponseBodyFeature>().Stream.WriteAsync(bytes);
    }
}
