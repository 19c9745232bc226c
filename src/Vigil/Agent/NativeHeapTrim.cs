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

    /// <summary>
    /// glibc malloc settings for a long-running agent, made before it starts its work (any thread): large blocks
    /// (64 KiB and up — the JIT's scratch arenas) come from their own mappings and go back to the kernel when freed,
    /// instead of glibc's default, which raises that threshold after the first large free and then serves them from
    /// the main heap, where one live block left above freed ones pinned up to 6 MB of RSS in some agents; and at most
    /// two arenas (glibc makes one per thread that allocates, up to 8 per core, each keeping its freed pages).
    /// Ignored where mallopt is missing (musl).
    /// </summary>
    public static void Configure()
    {
        const int ArenaMax = -8, MmapThreshold = -3; // M_ARENA_MAX, M_MMAP_THRESHOLD (malloc.h)
        try
        {
            mallopt(MmapThreshold, 64 * 1024);
            mallopt(ArenaMax, 2);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // not glibc: keep its allocator's defaults
        }
    }

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

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
