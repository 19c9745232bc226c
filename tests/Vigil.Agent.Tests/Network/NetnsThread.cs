using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vigil.Agent.Tests.Network;

/// <summary>
/// Puts the current thread (only) into a network namespace with setns(2): sockets it opens, netlink answers,
/// /proc/thread-self/net and children it forks (ip …) then belong to that namespace, while /sys/class/net still
/// shows the namespace of whoever mounted sysfs. <see cref="RunAsync{T}"/> runs async code on a dedicated thread
/// with its own single-threaded synchronization context, so every continuation comes back to that thread and
/// stays in the namespace; the thread pool is never entered.
/// </summary>
internal static class NetnsThread
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>The namespace of the calling thread, as its /proc link reads: "net:[4026531840]".</summary>
    public static string Current() => new FileInfo("/proc/thread-self/ns/net").LinkTarget ?? "?";

    /// <summary>Moves the calling thread into the namespace at <paramref name="path"/>; disposing moves it back.</summary>
    public static IDisposable Enter(string path)
    {
        var home = File.OpenHandle("/proc/thread-self/ns/net");
        try
        {
            using var target = File.OpenHandle(path);
            SetNs(target, path);
            return new Restore(home);
        }
        catch
        {
            home.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a new thread inside the namespace at <paramref name="path"/> and returns its
    /// result; the thread leaves the namespace before completing the returned task. Gives up after <paramref name="limit"/>.
    /// </summary>
    public static Task<T> RunAsync<T>(string path, Func<Task<T>> work, TimeSpan limit)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Task<T>? task = null;
            Exception? failure = null;
            var context = new SingleThreadContext();
            SynchronizationContext.SetSynchronizationContext(context);
            try
            {
                using (Enter(path))
                {
                    task = work();
                    context.RunUntil(task, limit);
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
            SynchronizationContext.SetSynchronizationContext(null);
            if (failure is not null) done.TrySetException(failure); // completed back in the home namespace
            else if (!task!.IsCompleted) done.TrySetException(new TimeoutException($"work in {path} did not finish within {limit}"));
            else if (task.IsFaulted) done.TrySetException(task.Exception!.InnerExceptions);
            else if (task.IsCanceled) done.TrySetCanceled();
            else done.TrySetResult(task.Result);
        })
        { IsBackground = true, Name = "netns " + Path.GetFileName(path) };
        thread.Start();
        return done.Task;
    }

    private static void SetNs(SafeFileHandle handle, string path)
    {
        if (Native.SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"setns({path}): {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }

    private sealed class Restore(SafeFileHandle home) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                SetNs(home, "/proc/thread-self/ns/net (home)");
            }
            finally
            {
                home.Dispose();
            }
        }
    }

    /// <summary>Runs posted continuations on the one thread that calls <see cref="RunUntil"/>.</summary>
    private sealed class SingleThreadContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> queue = [];

        public override void Post(SendOrPostCallback d, object? state) => queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

        public void RunUntil(Task task, TimeSpan limit)
        {
            var deadline = DateTime.UtcNow + limit;
            while (!task.IsCompleted && DateTime.UtcNow < deadline)
            {
                if (queue.TryTake(out var item, TimeSpan.FromMilliseconds(50))) item.Callback(item.State);
            }
        }
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
        public static extern int SetNs(int fd, int nsType);
    }
}
