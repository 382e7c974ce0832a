using Parley.Media.Dtls;

namespace Parley.Media.Transports;

/// <summary>Options of a <see cref="WebRtcConnection"/>.</summary>
internal sealed class WebRtcConnectionOptions
{
    /// <summary>The shared defaults.</summary>
    public static WebRtcConnectionOptions Default { get; } = new();

    /// <summary>DTLS settings (profiles, MTU, timeouts); null for the defaults.</summary>
    public DtlsTransportOptions? Dtls { get; init; }

    /// <summary>Listen on a UDP port of its own instead of the server's shared one.</summary>
    public bool DedicatedUdpPort { get; init; }

    /// <summary>How long a tuple keeps ICE consent without a valid check; null for 30 s (RFC 7675).</summary>
    public TimeSpan? ConsentTimeout { get; init; }
}
