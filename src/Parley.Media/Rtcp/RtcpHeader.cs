using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>
/// The common first word of every RTCP packet (RFC 3550 §6.4.1): version, padding bit, a 5-bit count
/// (report count, source count, subtype or feedback format), packet type and length in 32-bit words minus one.
/// </summary>
internal readonly record struct RtcpHeader(bool Padding, int Count, RtcpPacketType PacketType, int LengthInWords)
{
    /// <summary>Size of the header in bytes.</summary>
    public const int Size = 4;

    /// <summary>The largest value the 5-bit count field holds.</summary>
    public const int MaxCount = 31;

    /// <summary>Length of the whole packet in bytes, header and padding included.</summary>
    public int PacketLength => (LengthInWords + 1) * 4;

    /// <summary>Reads the header word; fails on fewer than 4 bytes or a version other than 2.</summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out RtcpHeader header)
    {
        if (source.Length < Size || source[0] >> 6 != 2)
        {
            header = default;
            return false;
        }

        header = new RtcpHeader(
            (source[0] & 0x20) != 0,
            source[0] & 0x1F,
            (RtcpPacketType)source[1],
            BinaryPrimitives.ReadUInt16BigEndian(source[2..]));
        return true;
    }

    /// <summary>
    /// Validates one whole RTCP packet (exactly <see cref="PacketLength"/> bytes) and returns the bytes after the
    /// header with any padding removed. Fails on a length that disagrees with the span or a bad padding count.
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<byte> packet, out RtcpHeader header, out ReadOnlySpan<byte> body)
    {
        body = default;
        if (!TryParse(packet, out header) || header.PacketLength != packet.Length)
        {
            return false;
        }

        var bodyLength = packet.Length - Size;
        if (header.Padding)
        {
            var padding = packet[^1];
            if (padding == 0 || padding > bodyLength)
            {
                return false;
            }

            bodyLength -= padding;
        }

        body = packet.Slice(Size, bodyLength);
        return true;
    }

    /// <summary>Writes the header word for a packet of <paramref name="packetLength"/> bytes (a multiple of 4).</summary>
    public static bool TryWrite(Span<byte> destination, int count, RtcpPacketType packetType, int packetLength, bool padding = false)
    {
        if (destination.Length < Size || (uint)count > MaxCount || packetLength < Size || packetLength % 4 != 0
            || packetLength / 4 - 1 > ushort.MaxValue)
        {
            return false;
        }

        destination[0] = (byte)(0x80 | (padding ? 0x20 : 0) | count);
        destination[1] = (byte)packetType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((packetLength / 4) - 1));
        return true;
    }
}
