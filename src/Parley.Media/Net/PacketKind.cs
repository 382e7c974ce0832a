namespace Parley.Media.Net;

/// <summary>What a packet on a shared WebRTC socket is, by the RFC 7983 rules.</summary>
internal enum PacketKind : byte
{
    /// <summary>Matches no protocol Parley speaks (ZRTP, TURN channel data, garbage): dropped.</summary>
    Unknown,

    /// <summary>STUN (first byte 0-3).</summary>
    Stun,

    /// <summary>DTLS (first byte 20-63).</summary>
    Dtls,

    /// <summary>RTP (first byte 128-191, payload type outside RTCP's range).</summary>
    Rtp,

    /// <summary>RTCP (first byte 128-191, second byte 192-223 per RFC 5761 §4).</summary>
    Rtcp,
}
