namespace Parley.Media.Rtcp;

/// <summary>Shared write logic of SR and RR: header, sender part, report blocks, profile extension.</summary>
internal static class RtcpReportWriter
{
    public static bool TryWrite(
        Span<byte> destination,
        RtcpPacketType packetType,
        ReadOnlySpan<byte> fixedPart,
        ReadOnlySpan<RtcpReportBlock> blocks,
        ReadOnlySpan<byte> profileExtension,
        out int written)
    {
        written = 0;
        var length = RtcpHeader.Size + fixedPart.Length + (blocks.Length * RtcpReportBlock.Size) + profileExtension.Length;
        if (blocks.Length > RtcpHeader.MaxCount || profileExtension.Length % 4 != 0 || length > destination.Length
            || !RtcpHeader.TryWrite(destination, blocks.Length, packetType, length))
        {
            return false;
        }

        fixedPart.CopyTo(destination[RtcpHeader.Size..]);
        var position = RtcpHeader.Size + fixedPart.Length;
        foreach (var block in blocks)
        {
            if (!block.TryWrite(destination[position..]))
            {
                return false;
            }

            position += RtcpReportBlock.Size;
        }

        profileExtension.CopyTo(destination[position..]);
        written = length;
        return true;
    }
}
