namespace Parley.Media.Net;

/// <summary>
/// Tells STUN, DTLS, RTP and RTCP apart on one socket (RFC 7983 §7) from the first byte, and RTP from
/// RTCP by the second byte (RFC 5761 §4: RTCP packet types 192-223 cannot be confused with RTP payload
/// types 64-95 plus the marker bit). Also requires each kind's minimum header length, so the parser that
/// runs next never sees a packet that is shorter than its fixed header.
/// </summary>
internal static class PacketDemux
{
    private const int StunHeaderLength = 20;
    private const int DtlsRecordHeaderLength = 13;
    private const int RtpHeaderLength = 12;
    private const int RtcpHeaderLength = 4;

    /// <summary>Classifies one packet.</summary>
    public static PacketKind Classify(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            return PacketKind.Unknown;
        }

        var first = packet[0];
        if (first <= 3)
        {
            return packet.Length >= StunHeaderLength ? PacketKind.Stun : PacketKind.Unknown;
        }

        if (first is >= 20 and <= 63)
        {
            return packet.Length >= DtlsRecordHeaderLength ? PacketKind.Dtls : PacketKind.Unknown;
        }

        if (first is >= 128 and <= 191 && packet.Length >= 2)
        {
            if (packet[1] is >= 192 and <= 223)
            {
                return packet.Length >= RtcpHeaderLength ? PacketKind.Rtcp : PacketKind.Unknown;
            }

            return packet.Length >= RtpHeaderLength ? PacketKind.Rtp : PacketKind.Unknown;
        }

        return PacketKind.Unknown;
    }
}
