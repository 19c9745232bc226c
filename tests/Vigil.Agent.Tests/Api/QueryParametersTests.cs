using Vigil.Cli.Agent.Api;

namespace Vigil.Agent.Tests.Api;

/// <summary>The API's query parameters, read as ASP.NET Core's Request.Query read them.</summary>
public class QueryParametersTests
{
    [Theory]
    [InlineData("?after=5&limit=10", "after", "5")]
    [InlineData("after=5&limit=10", "limit", "10")]
    [InlineData("?AFTER=5", "after", "5")]
    [InlineData("?after=5", "AFTER", "5")]
    [InlineData("?after=1&after=2", "after", "1")]
    [InlineData("?after&limit=3", "after", "")]
    [InlineData("?after=&limit=3", "after", "")]
    [InlineData("?&&after=7&", "after", "7")]
    [InlineData("?after=1=2", "after", "1=2")]
    [InlineData("?origin=my+tool%21", "origin", "my tool!")]
    [InlineData("?origin=a%2Bb%20c", "origin", "a+b c")]
    [InlineData("?origin=%C3%A9t%C3%A9", "origin", "été")]
    [InlineData("?origin=100%", "origin", "100%")]
    [InlineData("?origin=%zz", "origin", "%zz")]
    [InlineData("?ori%67in=x", "origin", "x")]
    [InlineData("?my+name=x", "my name", "x")]
    public void The_first_value_decoded(string query, string name, string value) =>
        Assert.Equal(value, QueryParameters.First(query, name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("?limit=5")]
    [InlineData("?afterx=5&xafter=5")]
    [InlineData("?=5")]
    public void No_value_when_the_name_is_missing(string? query) =>
        Assert.Null(QueryParameters.First(query, "after"));
}
