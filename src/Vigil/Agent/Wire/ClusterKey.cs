using System.Text;

namespace Vigil.Cli.Agent.Wire;

/// <summary>
/// The cluster's shared 32-byte authentication key, read from the key file named by
/// <c>cluster.key_file</c>. The file holds one base64 string (surrounding whitespace ignored).
/// </summary>
public sealed class ClusterKey
{
    /// <summary>Key length in bytes.</summary>
    public const int KeyBytes = 32;

    /// <summary>Largest key file read; a real one is 44 characters plus a newline.</summary>
    public const int MaxFileBytes = 4096;

    // The key's HMAC pads, hashed once (managed SHA-256: no OpenSSL in an agent, see Sha256).
    private readonly HmacSha256 _hmac;

    private ClusterKey(ReadOnlySpan<byte> key, string? permissionWarning)
    {
        _hmac = new HmacSha256(key);
        PermissionWarning = permissionWarning;
        Span<byte> hash = stackalloc byte[Sha256.HashBytes];
        Sha256.Hash(key, hash);
        Fingerprint = Convert.ToHexStringLower(hash[..4]);
    }

    /// <summary>First 8 hex characters of the SHA-256 of the key: safe to log, same on every node sharing the key.</summary>
    public string Fingerprint { get; }

    /// <summary>True when the key file is readable (or writable) by group or others.</summary>
    public bool LooseMode => PermissionWarning is not null;

    /// <summary>A warning to log when <see cref="LooseMode"/>, else null.</summary>
    public string? PermissionWarning { get; }

    /// <summary>HMAC-SHA256 of <paramref name="data"/> under this key into <paramref name="mac"/> (32 bytes). Thread-safe.</summary>
    internal void Mac(ReadOnlySpan<byte> data, Span<byte> mac) => _hmac.Compute(data, mac);

    /// <summary>A new random key as base64, the content of a key file (for <c>vigil keygen</c>).</summary>
    public static string Generate()
    {
        Span<byte> key = stackalloc byte[KeyBytes];
        KernelRandom.Fill(key);
        var text = Convert.ToBase64String(key);
        Wipe(key);
        return text;
    }

    /// <summary>Reads and checks the key file; throws <see cref="WireSetupException"/> with a clear reason.</summary>
    public static ClusterKey Load(string path)
    {
        var text = ReadKeyFile(path);
        return Parse(text, "key file " + path, PermissionProblem(path));
    }

    /// <summary>A key from its base64 text; <paramref name="origin"/> starts error messages (e.g. "key file /etc/vigil/authkey").</summary>
    public static ClusterKey Parse(string text, string origin) => Parse(text, origin, null);

    private static ClusterKey Parse(string text, string origin, string? permissionWarning)
    {
        var trimmed = text.Trim().TrimStart('\uFEFF').Trim();
        if (trimmed.Length == 0) throw new WireSetupException($"{origin}: is empty (expected a base64 key; create one with 'vigil keygen')");
        if (trimmed.Length > MaxFileBytes) throw new WireSetupException($"{origin}: too long ({trimmed.Length} characters, expected a 44-character base64 key)");
        var buffer = new byte[(trimmed.Length + 3) / 4 * 3];
        try
        {
            if (!Convert.TryFromBase64String(trimmed, buffer, out var length))
                throw new WireSetupException($"{origin}: not valid base64 (expected a base64 key; create one with 'vigil keygen')");
            if (length != KeyBytes)
                throw new WireSetupException($"{origin}: key is {length} bytes, expected {KeyBytes}");
            return new ClusterKey(buffer.AsSpan(0, KeyBytes), permissionWarning);
        }
        finally
        {
            Wipe(buffer);
        }
    }

    private static string ReadKeyFile(string path)
    {
        var origin = "key file " + path;
        if (Directory.Exists(path)) throw new WireSetupException($"{origin}: is a directory");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new byte[MaxFileBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0) total += read;
            if (total > MaxFileBytes) throw new WireSetupException($"{origin}: too large (more than {MaxFileBytes} bytes, expected a 44-character base64 key)");
            var text = Encoding.UTF8.GetString(buffer, 0, total);
            Wipe(buffer);
            return text;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new WireSetupException($"{origin}: not found");
        }
        catch (UnauthorizedAccessException)
        {
            throw new WireSetupException($"{origin}: cannot read: permission denied");
        }
        catch (IOException e)
        {
            throw new WireSetupException($"{origin}: cannot read: {e.Message}");
        }
    }

    /// <summary>Overwrites key material with zeros (not inlined or optimized away: the buffer is not read again).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.NoOptimization)]
    private static void Wipe(Span<byte> buffer) => buffer.Clear();

    private static string? PermissionProblem(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        UnixFileMode mode;
        try
        {
            mode = File.GetUnixFileMode(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        const UnixFileMode loose = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if ((mode & loose) == 0) return null;
        var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
        return $"key file {path} is accessible by group or others (mode {octal}); restrict it with: chmod 600 {path}";
    }
}
