using Vigil.Core.Configuration;

namespace Vigil.Core.Tests.Configuration;

public class DurationParserTests
{
    [Theory]
    [InlineData("100ms", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("2s", 2 * TimeSpan.TicksPerSecond)]
    [InlineData("1.5s", 15 * TimeSpan.TicksPerSecond / 10)]
    [InlineData("5m", 5 * TimeSpan.TicksPerMinute)]
    [InlineData("1h", TimeSpan.TicksPerHour)]
    [InlineData("250us", 250 * 10)]
    [InlineData("0s", 0)]
    public void ParsesNumberWithUnit(string text, long ticks)
    {
        Assert.True(DurationParser.TryParse(text, out var value, out _));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData("100", "write a unit: 100ms, 2s")]
    [InlineData("-5s", "cannot be negative")]
    [InlineData("5 parsecs", "unknown unit 'parsecs'")]
    [InlineData("ms", "expected a number")]
    [InlineData("", "expected a number")]
    public void RejectsBadDurations(string text, string error)
    {
        Assert.False(DurationParser.TryParse(text, out _, out var message));
        Assert.Contains(error, message);
    }

    [Fact]
    public void ZeroDurationIsRejectedWhereAPositiveOneIsNeeded() =>
        ConfigTestHelper.Single(
            ConfigTestHelper.With("critical_devices: [ { name: d, check: /bin/true, interval: 0s } ]\n"),
            "critical_devices[d].interval must be more than zero", 6, 60);
}
