using Microsoft.Win32.SafeHandles;

namespace Vigil.Cli.Agent.Network;

/// <summary>
/// A thread inherits the network namespace of the thread that starts it. A thread that entered another
/// namespace with setns(2) (tests do, to place sockets there) would hand that namespace to the helper threads it
/// starts, and through them to anything they start (thread-pool workers live on). The watcher and prober threads
/// only use sockets that are already open, so they go back to the process's namespace first. In a process that
/// never calls setns this compares two links and does nothing.
/// </summary>
internal static class ProcessNamespace
{
    private const string ProcessLink = "/proc/self/ns/net"; // the main thread's namespace
    private const string ThreadLink = "/proc/thread-self/ns/net";

    /// <summary>Moves the calling thread into the process's network namespace if it is elsewhere; false if it could not.</summary>
    public static bool Rejoin()
    {
        try
        {
            var process = new FileInfo(ProcessLink).LinkTarget;
            if (process is null || process == new FileInfo(ThreadLink).LinkTarget) return true;
            using SafeFileHandle handle = File.OpenHandle(ProcessLink);
            return NetworkNative.SetNs((int)handle.DangerousGetHandle(), NetworkNative.CloneNewNet) == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
