using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Cli.Agent.Storage;

/// <summary>
/// fsyncs a directory, making the creation, rename or removal of its entries durable. .NET cannot open a
/// directory as a file (<c>File.OpenHandle</c> on a directory throws <see cref="UnauthorizedAccessException"/> on
/// Unix), so this calls libc's <c>open(path, O_RDONLY | O_CLOEXEC)</c>, <c>fsync</c> and <c>close</c> through
/// P/Invoke. On Windows, where a directory cannot be fsynced and NTFS journals renames, it does nothing.
/// </summary>
internal static class DirectorySync
{
    private const int ORdOnly = 0;
    private const int OCloExecLinux = 0x80000; // 02000000: the generic Linux value (x86-64, arm64, riscv64)
    private const int EIntr = 4;

    /// <summary>fsyncs <paramref name="directory"/>; throws <see cref="IOException"/> if it cannot.</summary>
    public static void Fsync(string directory, StorageCounters? counters = null)
    {
        if (OperatingSystem.IsWindows()) return;
        var path = Encoding.UTF8.GetBytes(Path.GetFullPath(directory) + "\0");
        var flags = ORdOnly | (OperatingSystem.IsLinux() ? OCloExecLinux : 0);
        int fd;
        do fd = Native.Open(path, flags);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EIntr);
        if (fd < 0) throw Failure("open", directory);
        try
        {
            int rc;
            do rc = Native.Fsync(fd);
            while (rc < 0 && Marshal.GetLastPInvokeError() == EIntr);
            if (rc < 0) throw Failure("fsync", directory);
            counters?.CountFsync();
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static IOException Failure(string call, string directory)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} of directory {directory} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open(byte[] path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);
    }
}
