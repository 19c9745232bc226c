using System.Runtime.CompilerServices;
using YamlDotNet.Core;

namespace Vigil.Core.Configuration.Yaml;

/// <summary>
/// Remembers where each part of a parsed model was written, so checks that run on the model (which carries no
/// positions) can still point at the offending line. Owners are matched by reference, members by name
/// ("" = the entry itself, "name", "domain[2]", "params.address"...).
/// </summary>
public sealed class SourceMap
{
    private readonly Dictionary<(object Owner, string Member), Mark> marks = new(new OwnerComparer());

    public void Set(object owner, string member, Mark at) => marks[(owner, member)] = at;

    /// <summary>Records each list entry as "member[i]".</summary>
    public void SetList(object owner, string member, IEnumerable<Located<string>> items)
    {
        var i = 0;
        foreach (var item in items) Set(owner, $"{member}[{i++}]", item.At);
    }

    /// <summary>Where a member was written; falls back to the owner's entry, then to the file start.</summary>
    public Mark Of(object owner, string member = "") =>
        marks.TryGetValue((owner, member), out var at) ? at
        : marks.TryGetValue((owner, ""), out var entry) ? entry
        : Mark.Empty;

    public Mark Of(object owner, string member, int index) => Of(owner, $"{member}[{index}]");

    private sealed class OwnerComparer : IEqualityComparer<(object Owner, string Member)>
    {
        public bool Equals((object Owner, string Member) x, (object Owner, string Member) y) =>
            ReferenceEquals(x.Owner, y.Owner) && x.Member == y.Member;

        public int GetHashCode((object Owner, string Member) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Owner), obj.Member);
    }
}
