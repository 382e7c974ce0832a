using System.Buffers.Binary;

namespace Parley.Media.Net;

/// <summary>
/// RFC 4571 framing of RTP, RTCP, STUN and DTLS over TCP (as RFC 6544 uses it): each packet is preceded by
/// its length as a 16-bit big-endian number.
/// </summary>
internal static class Rfc4571Framing
{
    public const int HeaderLength = 2;
    public const int MaxFrameLength = ushort.MaxValue;

    /// <summary>
    /// Reads the first complete frame of <paramref name="buffer"/>; false when more bytes are needed.
    /// <paramref name="consumed"/> counts the header and the payload.
    /// </summary>
    public static bool TryReadFrame(ReadOnlySpan<byte> buffer, out ReadOnlySpan<byte> frame, out int consumed)
    {
        frame = default;
        consumed = 0;
        if (buffer.Length < HeaderLength)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(buffer);
        if (buffer.Length - HeaderLength < length)
        {
            return false;
        }

        frame = buffer.Slice(HeaderLength, length);
        consumed = HeaderLength + length;
        return true;
    }

    /// <summary>Writes the header and the payload; false when the payload is too long or the destination too small.</summary>
    public static bool TryWriteFrame(ReadOnlySpan<byte> payload, Span<byte> destination, out int written)
    {
        written = 0;
        if (payload.Length > MaxFrameLength || destination.Length < HeaderLength + payload.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)payload.Length);
        payload.CopyTo(destination[HeaderLength..]);
        written = HeaderLength + payload.Length;
        return true;
    }
}
