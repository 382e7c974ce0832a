using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>A receiver report (RFC 3550 §6.4.2): the reporter's SSRC, report blocks, an optional profile extension.</summary>
internal readonly ref struct RtcpReceiverReport
{
    private const int FixedPartLength = 4;

    private readonly ReadOnlySpan<byte> _body;
    private readonly int _reportCount;

    private RtcpReceiverReport(ReadOnlySpan<byte> body, int reportCount)
    {
        _body = body;
        _reportCount = reportCount;
    }

    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    public int ReportCount => _reportCount;

    public RtcpReportBlockEnumerator ReportBlocks =>
        new(_body.Slice(FixedPartLength, _reportCount * RtcpReportBlock.Size));

    public ReadOnlySpan<byte> ProfileExtension => _body[(FixedPartLength + (_reportCount * RtcpReportBlock.Size))..];

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpReceiverReport report)
    {
        report = default;
        if (!RtcpHeader.TrySplit(packet, out var header, out var body)
            || header.PacketType != RtcpPacketType.ReceiverReport
            || body.Length < FixedPartLength + (header.Count * RtcpReportBlock.Size))
        {
            return false;
        }

        report = new RtcpReceiverReport(body, header.Count);
        return true;
    }

    public static bool TryWrite(
        Span<byte> destination,
        uint ssrc,
        ReadOnlySpan<RtcpReportBlock> blocks,
        out int written,
        ReadOnlySpan<byte> profileExtension = default)
    {
        Span<byte> fixedPart = stackalloc byte[FixedPartLength];
        BinaryPrimitives.WriteUInt32BigEndian(fixedPart, ssrc);
        return RtcpReportWriter.TryWrite(destination, RtcpPacketType.ReceiverReport, fixedPart, blocks, profileExtension, out written);
    }
}
