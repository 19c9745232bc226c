using System.Runtime.InteropServices;

namespace Vigil.Cli.Agent;

/// <summary>
/// Hands the C heap's free pages back to the kernel after the JIT was busy (glibc <c>malloc_trim</c>). Compiling a
/// method allocates and frees native scratch memory, and glibc keeps those pages (several MB after the agent's start,
/// which an idle agent never uses again) unless asked. Every 5 s the timer looks whether methods were compiled since
/// its last look and trims only then: an idle agent compiles nothing, so it trims nothing. A trim costs well under a
/// millisecond. Without glibc's malloc_trim (musl) the timer stops at its first try. See docs/agent.md, Memory.
/// </summary>
internal static class NativeHeapTrim
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private static long compiledAtLastTrim;

    public static IDisposable Start()
    {
        var timer = new Timer(Tick); // its state is the timer itself
        timer.Change(Every, Every);
        return timer;
    }

    private static void Tick(object? state)
    {
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        if (compiled == Interlocked.Exchange(ref compiledAtLastTrim, compiled)) return;
        try
        {
            malloc_trim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            ((Timer)state!).Dispose();
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
