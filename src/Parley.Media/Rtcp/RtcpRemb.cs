using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>
/// Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03): PSFB FMT 15 with media SSRC 0, the ASCII
/// identifier "REMB", an SSRC count, a bitrate as 6-bit exponent and 18-bit mantissa, and the SSRCs it applies to.
/// </summary>
internal readonly ref struct RtcpRemb
{
    private const uint Identifier = 0x52454D42; // "REMB"
    private const int FciFixedLength = 8;
    private const ulong MaxMantissa = (1 << 18) - 1;
    private const int MaxExponent = 63;

    private readonly ReadOnlySpan<byte> _ssrcs;

    private RtcpRemb(uint senderSsrc, ulong bitrate, ReadOnlySpan<byte> ssrcs)
    {
        SenderSsrc = senderSsrc;
        Bitrate = bitrate;
        _ssrcs = ssrcs;
    }

    public uint SenderSsrc { get; }

    /// <summary>The estimate in bits per second (mantissa × 2^exponent).</summary>
    public ulong Bitrate { get; }

    public int SsrcCount => _ssrcs.Length / 4;

    public uint GetSsrc(int index)
    {
        if ((uint)index >= (uint)SsrcCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return BinaryPrimitives.ReadUInt32BigEndian(_ssrcs[(index * 4)..]);
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpRemb remb)
    {
        remb = default;
        if (!RtcpFeedback.TrySplit(packet, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.ApplicationLayer, out var sender, out _, out var fci)
            || fci.Length < FciFixedLength
            || BinaryPrimitives.ReadUInt32BigEndian(fci) != Identifier)
        {
            return false;
        }

        var ssrcCount = fci[4];
        var exponent = fci[5] >> 2;
        var mantissa = ((ulong)(fci[5] & 0x03) << 16) | ((ulong)fci[6] << 8) | fci[7];
        var ssrcLength = ssrcCount * 4;
        if (FciFixedLength + ssrcLength > fci.Length)
        {
            return false;
        }

        // A large exponent with a wide mantissa exceeds 64 bits; saturate instead of wrapping.
        var bitrate = exponent > 46 && (mantissa >> (64 - exponent)) != 0 ? ulong.MaxValue : mantissa << exponent;
        remb = new RtcpRemb(sender, bitrate, fci.Slice(FciFixedLength, ssrcLength));
        return true;
    }

    /// <summary>
    /// Writes a REMB packet. The bitrate is rounded down to what an 18-bit mantissa can carry, as receivers expect
    /// an estimate never above the one measured.
    /// </summary>
    public static bool TryWrite(Span<byte> destination, uint senderSsrc, ulong bitrate, ReadOnlySpan<uint> ssrcs, out int written)
    {
        written = 0;
        var length = RtcpFeedback.FixedLength + FciFixedLength + (ssrcs.Length * 4);
        if (ssrcs.Length > byte.MaxValue
            || !RtcpFeedback.TryWriteFixed(destination, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.ApplicationLayer, length, senderSsrc, 0))
        {
            return false;
        }

        var exponent = 0;
        var mantissa = bitrate;
        while (mantissa > MaxMantissa && exponent < MaxExponent)
        {
            mantissa >>= 1;
            exponent++;
        }

        var fci = destination[RtcpFeedback.FixedLength..];
        BinaryPrimitives.WriteUInt32BigEndian(fci, Identifier);
        fci[4] = (byte)ssrcs.Length;
        fci[5] = (byte)((exponent << 2) | (int)(mantissa >> 16));
        fci[6] = (byte)(mantissa >> 8);
        fci[7] = (byte)mantissa;
        for (var i = 0; i < ssrcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(fci[(FciFixedLength + (i * 4))..], ssrcs[i]);
        }

        written = length;
        return true;
    }
}
