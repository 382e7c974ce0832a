using Parley.Media.Dtls;
using Parley.Media.Net;

namespace Parley.Media.Transports;

/// <summary>How a <see cref="WebRtcTransport"/> is created (mediasoup's <c>WebRtcTransportOptions</c> with a <c>webRtcServer</c>).</summary>
public sealed record WebRtcTransportOptions
{
    /// <summary>The started server whose shared UDP/TCP ports carry the transport.</summary>
    public required WebRtcServer WebRtcServer { get; init; }

    /// <summary>Our DTLS certificate; one per process is enough.</summary>
    public required DtlsCertificate Certificate { get; init; }

    /// <summary>Offer the server's UDP candidate (default true).</summary>
    public bool EnableUdp { get; init; } = true;

    /// <summary>Offer the server's TCP candidate (default true).</summary>
    public bool EnableTcp { get; init; } = true;

    /// <summary>
    /// Prefer UDP over TCP (default true). Host UDP candidates already carry the higher priority, so this only matters
    /// when false: TCP candidates are then given the higher priority.
    /// </summary>
    public bool PreferUdp { get; init; } = true;

    /// <summary>Connection settings (DTLS options, consent timeout); null for the defaults.</summary>
    internal WebRtcConnectionOptions? Connection { get; init; }

    /// <summary>Bounds of the send-side estimate (start, min, max); null for the defaults (benchmarks start it elsewhere).</summary>
    internal Bwe.BandwidthEstimatorOptions? BandwidthEstimation { get; init; }

    /// <summary>Anything the application wants to keep with the transport.</summary>
    public object? AppData { get; init; }
}
