using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Recording;

/// <summary>Finds a free pair of loopback UDP ports (RTP on an even port, RTCP on the next) for a track's ffmpeg.</summary>
internal static class LocalPorts
{
    private const int Attempts = 50;

    public static int FreeRtpPair()
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            using var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)rtp.LocalEndPoint!).Port;
            if (port % 2 != 0 || port >= IPEndPoint.MaxPort)
            {
                continue;
            }

            using var rtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                rtcp.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return port; // both are released here for ffmpeg to bind (a small race, retried by the track's restart)
            }
            catch (SocketException)
            {
                // Taken: another pair.
            }
        }

        throw new InvalidOperationException("No free pair of loopback UDP ports for a recording track.");
    }
}
