using System.Runtime.CompilerServices;

namespace Vigil.Core;

/// <summary>
/// Always-on invariant checks (unlike Debug.Assert, kept in Release): an impossible state stops the node
/// rather than letting it act on it.
/// </summary>
public static class Invariant
{
    public static void Check(bool condition, string what)
    {
        if (!condition)
            throw new InvariantViolationException(what);
    }

    /// <summary>
    /// The same check with an interpolated message, which is formatted only when the check fails (as Debug.Assert
    /// does): hot paths such as every Raft answer check invariants, and formatting each message cost more than the check.
    /// </summary>
    public static void Check(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref FailureMessage what)
    {
        if (!condition)
            throw new InvariantViolationException(what.ToStringAndClear());
    }

    /// <summary>Builds an invariant's message only when its condition is false.</summary>
    [InterpolatedStringHandler]
    public ref struct FailureMessage
    {
        private DefaultInterpolatedStringHandler text;

        public FailureMessage(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
        {
            shouldAppend = !condition;
            text = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        public void AppendLiteral(string value) => text.AppendLiteral(value);

        public void AppendFormatted<T>(T value) => text.AppendFormatted(value);

        public void AppendFormatted<T>(T value, string? format) => text.AppendFormatted(value, format);

        public void AppendFormatted<T>(T value, int alignment) => text.AppendFormatted(value, alignment);

        public void AppendFormatted<T>(T value, int alignment, string? format) => text.AppendFormatted(value, alignment, format);

        public void AppendFormatted(string? value) => text.AppendFormatted(value);

        public string ToStringAndClear() => text.ToStringAndClear();
    }
}

public sealed class InvariantViolationException(string what) : Exception($"invariant violated: {what}");
