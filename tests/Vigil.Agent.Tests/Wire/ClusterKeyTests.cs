using Vigil.Cli.Agent.Wire;

namespace Vigil.Agent.Tests.Wire;

/// <summary>Loading, generating and checking the cluster key file.</summary>
public sealed class ClusterKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-key-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = Path.Combine(_dir, "authkey");
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
        return path;
    }

    private static string LoadError(string path) => Assert.Throws<WireSetupException>(() => ClusterKey.Load(path)).Message;

    [Fact]
    public void Generated_key_loads_with_whitespace_and_has_a_stable_fingerprint()
    {
        var text = ClusterKey.Generate();
        Assert.Equal(32, Convert.FromBase64String(text).Length);
        Assert.NotEqual(text, ClusterKey.Generate());
        var key = ClusterKey.Load(Write("  \n" + text + "\r\n\t"));
        Assert.Matches("^[0-9a-f]{8}$", key.Fingerprint);
        Assert.Equal(key.Fingerprint, ClusterKey.Parse(text, "again").Fingerprint);
        Assert.False(key.LooseMode);
        Assert.Null(key.PermissionWarning);
    }

    [Fact]
    public void Byte_order_mark_is_ignored()
    {
        var text = ClusterKey.Generate();
        Assert.Equal(ClusterKey.Parse(text, "plain").Fingerprint, ClusterKey.Load(Write("\uFEFF" + text + "\n")).Fingerprint);
    }

    [Fact]
    public void Missing_file_is_not_found()
    {
        var path = Path.Combine(_dir, "nope", "authkey");
        Assert.Equal($"key file {path}: not found", LoadError(path));
    }

    [Fact]
    public void Directory_is_refused() => Assert.Equal($"key file {_dir}: is a directory", LoadError(_dir));

    [Fact]
    public void Unreadable_file_is_refused()
    {
        if (OperatingSystem.IsWindows() || Environment.IsPrivilegedProcess) return; // root reads anything
        var path = Write(ClusterKey.Generate(), UnixFileMode.None);
        Assert.Equal($"key file {path}: cannot read: permission denied", LoadError(path));
    }

    [Fact]
    public void Empty_file_is_refused()
    {
        var path = Write(" \n ");
        Assert.StartsWith($"key file {path}: is empty", LoadError(path));
    }

    [Fact]
    public void Non_base64_is_refused()
    {
        var path = Write("this is not base64!");
        Assert.StartsWith($"key file {path}: not valid base64", LoadError(path));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Wrong_length_names_found_and_expected(int length)
    {
        var path = Write(Convert.ToBase64String(new byte[length]));
        Assert.Equal($"key file {path}: key is {length} bytes, expected 32", LoadError(path));
    }

    [Fact]
    public void Huge_file_is_refused_without_reading_it_all()
    {
        var path = Write(new string('A', 1_000_000));
        Assert.Contains("too large", LoadError(path));
    }

    [Fact]
    public void Group_or_other_access_gives_a_warning()
    {
        if (OperatingSystem.IsWindows()) return;
        var path = Write(ClusterKey.Generate(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var key = ClusterKey.Load(path);
        Assert.True(key.LooseMode);
        Assert.Equal($"key file {path} is accessible by group or others (mode 0644); restrict it with: chmod 600 {path}", key.PermissionWarning);
    }
}
