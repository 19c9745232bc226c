using System.Runtime.InteropServices;

namespace Vigil.Cli.Agent;

/// <summary>
/// Random bytes from the kernel (getrandom(2), the source /dev/urandom reads) for the API token and Raft's
/// election-timer seed. Why not RandomNumberGenerator: on Linux it loads OpenSSL, which an agent needs for
/// nothing else (the datagram tag is managed HMAC-SHA256), and the libraries' pages cost about 5 MB of resident
/// memory per agent (docs/agent.md, Memory).
/// </summary>
internal static class KernelRandom
{
    /// <summary>Fills <paramref name="buffer"/>; throws when the kernel refuses (never silently weaker randomness).</summary>
    public static void Fill(Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var got = getrandom(ref buffer[done], (nuint)(buffer.Length - done), 0);
            if (got > 0)
            {
                done += (int)got;
                continue;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (got < 0 && errno == 4) continue; // EINTR
            throw new IOException($"getrandom failed (errno {errno})");
        }
    }

    public static byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        Fill(bytes);
        return bytes;
    }

    /// <summary>A uniformly random int in [0, <paramref name="below"/>).</summary>
    public static int Below(int below)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(below);
        Span<byte> word = stackalloc byte[4];
        // Rejection sampling: drop the top partial range, so every value is equally likely.
        var limit = uint.MaxValue - uint.MaxValue % (uint)below;
        while (true)
        {
            Fill(word);
            var value = BitConverter.ToUInt32(word);
            if (value < limit) return (int)(value % (uint)below);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint getrandom(ref byte buffer, nuint length, uint flags);
}
