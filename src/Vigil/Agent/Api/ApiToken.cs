using System.Text;

namespace Vigil.Cli.Agent.Api;

/// <summary>
/// The secret that mutating API calls must present (`Authorization: Bearer TOKEN`): a random token in
/// `api.token` in the node's data dir, mode 0600, made at the first start and kept afterwards. Whoever can read
/// that file (root, the agent's user) may change the cluster; everyone on the host may read status and events.
/// </summary>
internal sealed class ApiToken
{
    public const string FileName = "api.token";

    private readonly byte[] secret;

    private ApiToken(string value) => secret = Encoding.ASCII.GetBytes(value);

    /// <summary>Reads the data dir's token, making it first if there is none. Re-tightens a file others may read.</summary>
    public static ApiToken LoadOrCreate(string dataDir, Action<string> log)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path))
        {
            var fresh = Convert.ToHexString(KernelRandom.Bytes(32)).ToLowerInvariant();
            var temp = path + ".tmp";
            File.WriteAllText(temp, "");
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.WriteAllText(temp, fresh + "\n");
            File.Move(temp, path, overwrite: true);
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            log($"{path} was readable by others (mode {Convert.ToString((int)mode, 8)}); set to 0600");
        }
        var value = File.ReadAllText(path).Trim();
        if (value.Length < 16) throw new AgentSetupException($"{path}: the API token is too short; delete the file and the agent makes a new one");
        return new ApiToken(value);
    }

    /// <summary>Whether the Authorization header carries this token (constant-time comparison).</summary>
    public bool Accepts(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var offered = Encoding.ASCII.GetBytes(authorization[scheme.Length..].Trim());
        return Wire.HmacSha256.FixedTimeEquals(offered, secret);
    }
}
