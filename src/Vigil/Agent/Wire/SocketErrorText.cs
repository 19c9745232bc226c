using System.Net.Sockets;

namespace Vigil.Cli.Agent.Wire;

/// <summary>Short lower-case reasons for socket errors, for setup messages and logs.</summary>
internal static class SocketErrorText
{
    /// <summary>E.g. "address already in use".</summary>
    public static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AddressNotAvailable => "address not available on this host",
        SocketError.AccessDenied => "permission denied",
        SocketError.AddressFamilyNotSupported => "address family not supported",
        _ => LowerFirst(e.Message),
    };

    private static string LowerFirst(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
}
