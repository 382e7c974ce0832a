using System.Net;

namespace Parley.Media.Transports;

/// <summary>How a <see cref="PlainTransport"/> is created (mediasoup's <c>PlainTransportOptions</c>).</summary>
public sealed class PlainTransportOptions
{
    /// <summary>The local address to bind; 127.0.0.1 by default.</summary>
    public IPAddress ListenIp { get; init; } = IPAddress.Loopback;

    /// <summary>The address to tell the remote side, when it differs from <see cref="ListenIp"/> (NAT, 0.0.0.0).</summary>
    public string? AnnouncedAddress { get; init; }

    /// <summary>The RTP port; 0 for an ephemeral one.</summary>
    public int Port { get; init; }

    /// <summary>RTCP on the RTP port (true, the default) or on a second socket.</summary>
    public bool RtcpMux { get; init; } = true;

    /// <summary>Learn the remote address from the first datagram received instead of <see cref="PlainTransport.ConnectAsync"/>.</summary>
    public bool Comedia { get; init; }

    /// <summary>Protect RTP and RTCP with SRTP keyed by <see cref="PlainTransport.SrtpParameters"/> and the remote's.</summary>
    public bool EnableSrtp { get; init; }

    /// <summary>The suite with <see cref="EnableSrtp"/>; <see cref="SrtpCryptoSuites.AesCm128HmacSha1_80"/> by default.</summary>
    public string SrtpCryptoSuite { get; init; } = SrtpCryptoSuites.AesCm128HmacSha1_80;

    /// <summary>Anything the application wants to keep with the transport.</summary>
    public object? AppData { get; init; }
}

/// <summary>One address pair of a plain transport, as mediasoup reports its <c>tuple</c>/<c>rtcpTuple</c>.</summary>
/// <param name="LocalAddress">The announced (or bound) local address.</param>
/// <param name="LocalPort">The bound local port.</param>
/// <param name="RemoteAddress">The remote address, once known.</param>
/// <param name="RemotePort">The remote port, once known.</param>
public sealed record PlainTransportTuple(string LocalAddress, int LocalPort, string? RemoteAddress, int? RemotePort);
