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
}

public sealed class InvariantViolationException(string what) : Exception($"invariant violated: {what}");
