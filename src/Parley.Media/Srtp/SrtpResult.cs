namespace Parley.Media.Srtp;

/// <summary>The outcome of protecting or unprotecting one SRTP or SRTCP packet.</summary>
internal enum SrtpResult
{
    /// <summary>The packet was protected or unprotected in place.</summary>
    Ok,

    /// <summary>The packet is shorter than its header plus the SRTP trailer, or its header is malformed.</summary>
    TooShort,

    /// <summary>The buffer has no room after the packet for the authentication tag (and SRTCP index).</summary>
    BufferTooSmall,

    /// <summary>The authentication tag did not verify: tampered, wrong key, or wrong index guess.</summary>
    AuthenticationFailed,

    /// <summary>A packet with this index was already accepted (RFC 3711 §3.3.2).</summary>
    ReplayedPacket,

    /// <summary>The packet index is behind the replay window; it can no longer be checked for replay.</summary>
    TooOldPacket,

    /// <summary>The index space of the stream is exhausted (2^48 SRTP or 2^31 SRTCP packets); the keys must be renewed.</summary>
    IndexExhausted,

    /// <summary>The context has been disposed.</summary>
    Disposed,
}
