namespace Parley.Media.Codecs;

/// <summary>AV1 RTP aggregation header (AV1 RTP specification §4.4).</summary>
internal static class Av1AggregationHeader
{
    private const byte NewCodedVideoSequence = 0x08;
    private const byte ContinuesPreviousPacket = 0x80;

    /// <summary>
    /// True for the packet that begins a new coded video sequence (N=1, which the sender sets only on a keyframe's
    /// first packet) and does not continue an OBU from a previous packet (Z=0).
    /// </summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> payload) =>
        payload.Length >= 2 && (payload[0] & NewCodedVideoSequence) != 0 && (payload[0] & ContinuesPreviousPacket) == 0;
}
