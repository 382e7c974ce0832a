using System.Buffers.Binary;

namespace Parley.Media.Rtp;

/// <summary>
/// RTP retransmission payload format (RFC 4588 §4): an RTX packet carries the original header's CSRCs and
/// extensions, its own SSRC, payload type and sequence number, and the original sequence number (OSN) in the
/// first two payload bytes. Both directions write into a separate caller buffer and drop any RTP padding.
/// </summary>
internal static class RtxPacket
{
    private const int OsnLength = 2;

    /// <summary>Writes the RTX form of <paramref name="original"/> into <paramref name="destination"/>.</summary>
    public static bool TryWrap(
        in RtpPacket original,
        Span<byte> destination,
        uint rtxSsrc,
        byte rtxPayloadType,
        ushort rtxSequenceNumber,
        out int written)
    {
        written = 0;
        var header = original.Buffer[..original.HeaderLength];
        var payload = original.Payload;
        var length = header.Length + OsnLength + payload.Length;
        if (rtxPayloadType > 0x7F || length > destination.Length || original.Buffer.Overlaps(destination))
        {
            return false;
        }

        header.CopyTo(destination);
        BinaryPrimitives.WriteUInt16BigEndian(destination[header.Length..], original.SequenceNumber);
        payload.CopyTo(destination[(header.Length + OsnLength)..]);
        return Rewrite(destination[..length], rtxSsrc, rtxPayloadType, rtxSequenceNumber, out written);
    }

    /// <summary>
    /// Restores the original packet from <paramref name="rtx"/>, given the original stream's SSRC and payload type.
    /// Fails when the RTX payload is too short to hold an OSN.
    /// </summary>
    public static bool TryUnwrap(
        in RtpPacket rtx,
        Span<byte> destination,
        uint originalSsrc,
        byte originalPayloadType,
        out int written)
    {
        written = 0;
        var header = rtx.Buffer[..rtx.HeaderLength];
        var rtxPayload = rtx.Payload;
        if (rtxPayload.Length < OsnLength || originalPayloadType > 0x7F || rtx.Buffer.Overlaps(destination))
        {
            return false;
        }

        var originalSequence = BinaryPrimitives.ReadUInt16BigEndian(rtxPayload);
        var payload = rtxPayload[OsnLength..];
        var length = header.Length + payload.Length;
        if (length > destination.Length)
        {
            return false;
        }

        header.CopyTo(destination);
        payload.CopyTo(destination[header.Length..]);
        return Rewrite(destination[..length], originalSsrc, originalPayloadType, originalSequence, out written);
    }

    private static bool Rewrite(Span<byte> packetBytes, uint ssrc, byte payloadType, ushort sequence, out int written)
    {
        packetBytes[0] &= 0xDF; // the padding (if any) stayed behind
        if (!RtpPacket.TryParse(packetBytes, out var packet))
        {
            written = 0;
            return false;
        }

        packet.Ssrc = ssrc;
        packet.PayloadType = payloadType;
        packet.SequenceNumber = sequence;
        written = packetBytes.Length;
        return true;
    }
}
