using System.Globalization;

namespace Vigil.Core.Configuration;

/// <summary>
/// Parses durations written as a number and a unit: 250us, 100ms, 2s, 1.5s, 5m, 1h.
/// A bare number is rejected because its unit would be a guess.
/// </summary>
public static class DurationParser
{
    private static readonly (string Unit, double TicksPerUnit)[] Units =
    [
        ("us", TimeSpan.TicksPerMillisecond / 1000.0),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why in plain words.</summary>
    public static bool TryParse(string text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        var trimmed = text.Trim();
        var split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1])) split--;
        var (number, unit) = (trimmed[..split].TrimEnd(), trimmed[split..]);
        error = Check(number, unit, out var amount, out var ticksPerUnit);
        if (error.Length > 0) return false;
        var ticks = amount * ticksPerUnit;
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            error = "too long";
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> (for code and tests, not for user input).</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException($"'{text}': {error}");

    private static string Check(string number, string unit, out double amount, out double ticksPerUnit)
    {
        ticksPerUnit = 0;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out amount) || !double.IsFinite(amount))
            return "expected a number followed by a unit: 250us, 100ms, 2s, 5m, 1h";
        if (unit.Length == 0) return "write a unit: 100ms, 2s";
        if (amount < 0) return "a duration cannot be negative";
        foreach (var (name, ticks) in Units)
            if (name == unit) ticksPerUnit = ticks;
        return ticksPerUnit > 0 ? "" : $"unknown unit '{unit}'; use us, ms, s, m or h";
    }
}
