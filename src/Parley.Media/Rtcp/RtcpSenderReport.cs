using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>A sender report (RFC 3550 §6.4.1): sender info, then report blocks, then an optional profile extension.</summary>
internal readonly ref struct RtcpSenderReport
{
    private const int SenderPartLength = 24;

    private readonly ReadOnlySpan<byte> _body;
    private readonly int _reportCount;

    private RtcpSenderReport(ReadOnlySpan<byte> body, int reportCount)
    {
        _body = body;
        _reportCount = reportCount;
    }

    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    /// <summary>64-bit NTP timestamp: seconds since 1900 in the high word, fraction in the low word.</summary>
    public ulong NtpTimestamp => BinaryPrimitives.ReadUInt64BigEndian(_body[4..]);

    public uint RtpTimestamp => BinaryPrimitives.ReadUInt32BigEndian(_body[12..]);

    public uint PacketCount => BinaryPrimitives.ReadUInt32BigEndian(_body[16..]);

    public uint OctetCount => BinaryPrimitives.ReadUInt32BigEndian(_body[20..]);

    public int ReportCount => _reportCount;

    public RtcpReportBlockEnumerator ReportBlocks =>
        new(_body.Slice(SenderPartLength, _reportCount * RtcpReportBlock.Size));

    /// <summary>Bytes after the report blocks (profile-specific extensions), usually empty.</summary>
    public ReadOnlySpan<byte> ProfileExtension => _body[(SenderPartLength + (_reportCount * RtcpReportBlock.Size))..];

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpSenderReport report)
    {
        report = default;
        if (!RtcpHeader.TrySplit(packet, out var header, out var body)
            || header.PacketType != RtcpPacketType.SenderReport
            || body.Length < SenderPartLength + (header.Count * RtcpReportBlock.Size))
        {
            return false;
        }

        report = new RtcpSenderReport(body, header.Count);
        return true;
    }

    public static bool TryWrite(
        Span<byte> destination,
        uint ssrc,
        ulong ntpTimestamp,
        uint rtpTimestamp,
        uint packetCount,
        uint octetCount,
        ReadOnlySpan<RtcpReportBlock> blocks,
        out int written,
        ReadOnlySpan<byte> profileExtension = default)
    {
        Span<byte> senderPart = stackalloc byte[SenderPartLength];
        BinaryPrimitives.WriteUInt32BigEndian(senderPart, ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(senderPart[4..], ntpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(senderPart[12..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(senderPart[16..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(senderPart[20..], octetCount);
        return RtcpReportWriter.TryWrite(destination, RtcpPacketType.SenderReport, senderPart, blocks, profileExtension, out written);
    }
}
