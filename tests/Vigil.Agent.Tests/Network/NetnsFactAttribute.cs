namespace Vigil.Agent.Tests.Network;

/// <summary>
/// A fact that needs <see cref="NetnsLab"/>: skipped, with the reason, where network namespaces cannot be
/// created (not root, no iproute2). xunit 2 has no runtime skip, so the check runs when tests are discovered.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        if (NetnsLab.Unavailable is { } why) Skip = why;
    }
}
