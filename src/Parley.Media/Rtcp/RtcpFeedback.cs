using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>The common layout of RTPFB and PSFB packets (RFC 4585 §6.1): sender SSRC, media SSRC, then the FCI.</summary>
internal static class RtcpFeedback
{
    /// <summary>Header plus the two SSRCs.</summary>
    public const int FixedLength = RtcpHeader.Size + 8;

    public static bool TrySplit(
        ReadOnlySpan<byte> packet,
        RtcpPacketType packetType,
        int format,
        out uint senderSsrc,
        out uint mediaSsrc,
        out ReadOnlySpan<byte> fci)
    {
        senderSsrc = 0;
        mediaSsrc = 0;
        fci = default;
        if (!RtcpHeader.TrySplit(packet, out var header, out var body)
            || header.PacketType != packetType || header.Count != format || body.Length < 8)
        {
            return false;
        }

        senderSsrc = BinaryPrimitives.ReadUInt32BigEndian(body);
        mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        fci = body[8..];
        return true;
    }

    /// <summary>Writes header and SSRCs for a packet of <paramref name="packetLength"/> bytes.</summary>
    public static bool TryWriteFixed(
        Span<byte> destination,
        RtcpPacketType packetType,
        int format,
        int packetLength,
        uint senderSsrc,
        uint mediaSsrc,
        bool padding = false)
    {
        if (destination.Length < FixedLength || packetLength > destination.Length
            || !RtcpHeader.TryWrite(destination, format, packetType, packetLength, padding))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        return true;
    }
}
