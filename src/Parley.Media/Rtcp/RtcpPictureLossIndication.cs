namespace Parley.Media.Rtcp;

/// <summary>A picture loss indication (RFC 4585 §6.3.1): PSFB FMT 1 with no FCI.</summary>
internal readonly record struct RtcpPictureLossIndication(uint SenderSsrc, uint MediaSsrc)
{
    /// <summary>Size on the wire.</summary>
    public const int Size = RtcpFeedback.FixedLength;

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpPictureLossIndication pli)
    {
        pli = default;
        if (!RtcpFeedback.TrySplit(packet, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.PictureLossIndication, out var sender, out var media, out _))
        {
            return false;
        }

        pli = new RtcpPictureLossIndication(sender, media);
        return true;
    }

    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (!RtcpFeedback.TryWriteFixed(destination, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.PictureLossIndication, Size, SenderSsrc, MediaSsrc))
        {
            return false;
        }

        written = Size;
        return true;
    }
}
