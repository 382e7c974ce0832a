namespace Parley.Media.Net;

/// <summary>Why a <see cref="WebRtcServer"/> closed (or refused) a TCP connection on the shared ICE-TCP port.</summary>
internal enum TcpCloseReason
{
    /// <summary>No check validated by a transport within <see cref="WebRtcServerOptions.TcpUnboundTimeout"/>.</summary>
    UnboundTimeout,

    /// <summary>Bound, but nothing reached its transport for <see cref="WebRtcServerOptions.TcpIdleTimeout"/>.</summary>
    IdleTimeout,

    /// <summary>The transport's ICE agent withdrew the tuple: its consent expired (RFC 7675) or the transport closed.</summary>
    ConsentWithdrawn,

    /// <summary>The oldest unbound connection, closed to make room when the table was full (<see cref="WebRtcServerOptions.MaxTcpConnections"/>).</summary>
    EvictedTableFull,

    /// <summary>The oldest unbound connection of an address that reached <see cref="WebRtcServerOptions.MaxTcpConnectionsPerAddress"/>.</summary>
    EvictedAddressLimit,

    /// <summary>A new connection refused: the table was full of bound connections.</summary>
    RefusedTableFull,

    /// <summary>A new connection refused: its address already had its limit of bound connections.</summary>
    RefusedAddressLimit,

    /// <summary>A valid check on a transport that already had <see cref="WebRtcServerOptions.MaxTcpConnectionsPerTransport"/> bound connections.</summary>
    TransportLimit,
}
