using Parley.Media.Srtp;

namespace Parley.Media.Dtls;

/// <summary>Tuning of a <see cref="DtlsTransport"/>; the defaults suit WebRTC peers such as Chromium.</summary>
internal sealed class DtlsTransportOptions
{
    /// <summary>The defaults.</summary>
    public static DtlsTransportOptions Default { get; } = new();

    /// <summary>
    /// The largest datagram we send; handshake messages are fragmented to fit. 1200 bytes leaves
    /// room for IP, UDP or TCP framing and TURN overhead on any path.
    /// </summary>
    public int MaxDatagramSize { get; init; } = 1200;

    /// <summary>The largest datagram we accept from the peer: a full 2^14-byte record plus AEAD overhead.</summary>
    public int MaxReceivedDatagramSize { get; init; } = 16 * 1024 + 2048;

    /// <summary>
    /// How long the whole handshake may take before the transport fails, counted from
    /// <see cref="DtlsTransport.Start(DtlsRole, IReadOnlyList{DtlsFingerprint})"/>: time spent waiting for the first
    /// datagram or for a handshake thread counts too, as it does on the peer's clock.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first handshake retransmission delay; it doubles on each retry (RFC 6347 §4.2.4.1).</summary>
    public TimeSpan InitialRetransmitTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>SRTP profiles we offer or accept, most preferred first.</summary>
    public IReadOnlyList<SrtpProfile> SrtpProfiles { get; init; } = DtlsSrtpProfileSelection.DefaultPreference;

    /// <summary>Received datagrams waiting for the DTLS engine to read them; more are dropped and counted.</summary>
    public int ReceiveQueueCapacity { get; init; } = 64;

    internal void Validate()
    {
        if (MaxDatagramSize is < 256 or > 65507)
            throw new ArgumentOutOfRangeException(nameof(MaxDatagramSize), MaxDatagramSize, "Must be between 256 and 65507 bytes.");
        if (MaxReceivedDatagramSize is < 256 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(MaxReceivedDatagramSize), MaxReceivedDatagramSize, "Must be between 256 and 65535 bytes.");
        if (HandshakeTimeout <= TimeSpan.Zero || HandshakeTimeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "Must be positive.");
        if (InitialRetransmitTimeout < TimeSpan.FromMilliseconds(1) || InitialRetransmitTimeout > HandshakeTimeout)
            throw new ArgumentOutOfRangeException(nameof(InitialRetransmitTimeout), InitialRetransmitTimeout, "Must be positive and below the handshake timeout.");
        if (SrtpProfiles is null || SrtpProfiles.Count == 0 || SrtpProfiles.Any(p => !Enum.IsDefined(p)))
            throw new ArgumentException("At least one known SRTP profile is required.", nameof(SrtpProfiles));
        if (ReceiveQueueCapacity < 1)
            throw new ArgumentOutOfRangeException(nameof(ReceiveQueueCapacity), ReceiveQueueCapacity, "Must be at least 1.");
    }
}
