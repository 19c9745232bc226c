namespace Vigil.Core.Configuration;

/// <summary>One located problem in a configuration (or scenario) file. Line and column are 1-based.</summary>
public sealed record ConfigProblem(string File, int Line, int Column, string Message)
{
    /// <summary>FILE:LINE:COLUMN: message — the format compilers use, so editors can jump to it.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}
