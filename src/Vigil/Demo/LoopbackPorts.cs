using System.Net;
using System.Net.Sockets;

namespace Vigil.Cli.Demo;

/// <summary>Free loopback ports for clusters on one machine: the demo, the real-cluster tests and the agent bench.</summary>
public static class LoopbackPorts
{
    /// <summary>Ports free for both UDP and TCP on 127.0.0.1 (heartbeats and Raft use UDP, the API and the service TCP), all distinct.</summary>
    public static List<int> Free(int count)
    {
        var sockets = new List<Socket>();
        try
        {
            var ports = new List<int>();
            while (ports.Count < count)
            {
                var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                sockets.Add(udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
                var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(tcp);
                try
                {
                    tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    ports.Add(port);
                }
                catch (SocketException)
                {
                    // Taken for TCP: the UDP socket stays open until the end so the same port is not offered again.
                }
            }
            return ports;
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }
    }
}
