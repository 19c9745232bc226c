using YamlDotNet.Core;

namespace Vigil.Core.Configuration.Yaml;

/// <summary>A value read from YAML together with where it was written.</summary>
public readonly record struct Located<T>(T Value, Mark At);
