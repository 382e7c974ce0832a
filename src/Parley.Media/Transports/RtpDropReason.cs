namespace Parley.Media.Transports;

/// <summary>Why a transport dropped a datagram instead of routing it.</summary>
internal enum RtpDropReason
{
    /// <summary>Neither RTP nor RTCP (wrong version, too short, or a payload type in neither range).</summary>
    NotRtpOrRtcp,

    /// <summary>An RTP packet whose CSRCs, extension or padding run past its end.</summary>
    MalformedRtp,

    /// <summary>An RTP packet whose SSRC belongs to no producer of the transport.</summary>
    UnknownSsrc,

    /// <summary>An RTP packet whose payload type the producer did not declare.</summary>
    UnknownPayloadType,

    /// <summary>A compound RTCP packet that does not parse.</summary>
    MalformedRtcp,

    /// <summary>A datagram from an address other than the transport's remote one.</summary>
    UnknownSource,

    /// <summary>A datagram that SRTP/SRTCP authentication or decryption rejected.</summary>
    DecryptFailed,

    /// <summary>A datagram the kernel refused to send, or one with no remote address to go to yet.</summary>
    SendFailed,

    /// <summary>A video or retransmission packet the pacer could not hold: every slot of its queue was taken.</summary>
    PacerQueueFull,

    /// <summary>A video or retransmission packet that waited in the pacer past its queue-time limit (late media is worthless).</summary>
    PacerQueueExpired,

    /// <summary>
    /// A video or retransmission packet that waited in the pacer when its consumer switched layers at a keyframe (the
    /// receiver decodes from the keyframe, which would otherwise have waited behind it).
    /// </summary>
    PacerSuperseded,
}
