using System.Net;

namespace Parley.Media.Net;

/// <summary>Configuration of a <see cref="WebRtcServer"/> (bound from the <c>Media</c> section by the host).</summary>
public sealed class WebRtcServerOptions
{
    /// <summary>Address the sockets bind to. <see cref="IPAddress.IPv6Any"/> listens dual-stack.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Address put into ICE candidates (a public IP or name behind NAT); defaults to <see cref="ListenAddress"/>.</summary>
    public string? AnnouncedAddress { get; set; }

    /// <summary>
    /// Port put into the shared port's ICE candidates (UDP and TCP) when clients reach it through a port forward or
    /// a relay that maps another port onto it; null for the port actually bound. Dedicated ports are announced as bound.
    /// </summary>
    public int? AnnouncedPort { get; set; }

    /// <summary>The one UDP and TCP port all transports share; 0 picks an ephemeral port (tests).</summary>
    public int Port { get; set; } = 40000;

    /// <summary>Listen on UDP.</summary>
    public bool EnableUdp { get; set; } = true;

    /// <summary>Listen on TCP for RFC 6544 passive candidates.</summary>
    public bool EnableTcp { get; set; } = true;

    /// <summary>Lowest port for transports that ask for a UDP port of their own; 0 with <see cref="DedicatedPortMax"/> 0 means ephemeral ports.</summary>
    public int DedicatedPortMin { get; set; }

    /// <summary>Highest port for transports that ask for a UDP port of their own.</summary>
    public int DedicatedPortMax { get; set; }

    /// <summary>Larger packets are dropped and counted as <see cref="DropReason.TooLarge"/>.</summary>
    public int MaxPacketSize { get; set; } = 8192;

    /// <summary>
    /// Open TCP connections at most. When full, the oldest unbound connection is closed to admit a new one; a new
    /// connection is refused only when every open one is bound to a transport.
    /// </summary>
    public int MaxTcpConnections { get; set; } = 1024;

    /// <summary>Open TCP connections from one remote address at most; beyond it the address's oldest unbound one is closed.</summary>
    public int MaxTcpConnectionsPerAddress { get; set; } = 64;

    /// <summary>TCP connections bound to one transport at most; a valid check on one more closes that connection.</summary>
    public int MaxTcpConnectionsPerTransport { get; set; } = 4;

    /// <summary>A TCP connection on which no transport validated a check (message integrity with its password) is closed after this long.</summary>
    public TimeSpan TcpUnboundTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A bound TCP connection from which nothing reached its transport for this long is closed.</summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often transports get <c>OnTick</c> (consent expiry and other timers).</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(ListenAddress);
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, ushort.MaxValue);
        if (AnnouncedPort is { } announcedPort)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(announcedPort, nameof(AnnouncedPort));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(announcedPort, ushort.MaxValue, nameof(AnnouncedPort));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(DedicatedPortMin);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DedicatedPortMax, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(DedicatedPortMax, DedicatedPortMin);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPacketSize, 576);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPacketSize, Rfc4571Framing.MaxFrameLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTcpConnections);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTcpConnectionsPerAddress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTcpConnectionsPerTransport);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TcpUnboundTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TcpIdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TickInterval, TimeSpan.Zero);
        if (!EnableUdp && !EnableTcp)
        {
            throw new ArgumentException("At least one of UDP and TCP must be enabled.");
        }
    }
}
