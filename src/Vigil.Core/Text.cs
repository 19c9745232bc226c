using System.Globalization;

namespace Vigil.Core;

/// <summary>Formatting for reasons and events an operator reads.</summary>
public static class Text
{
    /// <summary>"250ms", "2s", "1.5s", "2m30s".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
            return $"{(long)span.TotalMilliseconds}ms";
        if (span < TimeSpan.FromMinutes(1))
            return $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s";
        return $"{(int)span.TotalMinutes}m{span.Seconds}s";
    }

    /// <summary>Simulated or monotonic time as "+12.345s".</summary>
    public static string Clock(TimeSpan now) =>
        $"+{now.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)}s";
}
