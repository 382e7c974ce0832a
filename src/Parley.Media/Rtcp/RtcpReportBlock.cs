using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>One reception report block of an SR or RR (RFC 3550 §6.4.1).</summary>
/// <param name="Ssrc">The source this block reports on.</param>
/// <param name="FractionLost">Fraction lost since the previous report, in 1/256.</param>
/// <param name="CumulativeLost">Packets lost since the beginning, a signed 24-bit value (duplicates can make it negative).</param>
/// <param name="ExtendedHighestSequence">Extended highest sequence number received.</param>
/// <param name="Jitter">Interarrival jitter in timestamp units.</param>
/// <param name="LastSenderReport">Middle 32 bits of the NTP timestamp of the last SR received (LSR).</param>
/// <param name="DelaySinceLastSenderReport">Delay since that SR in 1/65536 s (DLSR).</param>
internal readonly record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    /// <summary>Size of a report block in bytes.</summary>
    public const int Size = 24;

    /// <summary>Smallest and largest values of the signed 24-bit cumulative loss.</summary>
    public const int MinCumulativeLost = -(1 << 23);

    /// <inheritdoc cref="MinCumulativeLost"/>
    public const int MaxCumulativeLost = (1 << 23) - 1;

    public static bool TryParse(ReadOnlySpan<byte> source, out RtcpReportBlock block)
    {
        if (source.Length < Size)
        {
            block = default;
            return false;
        }

        var lost = (source[5] << 16) | (source[6] << 8) | source[7];
        block = new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(source),
            source[4],
            (lost << 8) >> 8, // sign-extend 24 bits
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[20..]));
        return true;
    }

    /// <summary>Writes the block; fails when the buffer is short or the cumulative loss does not fit 24 bits.</summary>
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Size || CumulativeLost is < MinCumulativeLost or > MaxCumulativeLost)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
        destination[4] = FractionLost;
        destination[5] = (byte)(CumulativeLost >> 16);
        destination[6] = (byte)(CumulativeLost >> 8);
        destination[7] = (byte)CumulativeLost;
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], DelaySinceLastSenderReport);
        return true;
    }
}
