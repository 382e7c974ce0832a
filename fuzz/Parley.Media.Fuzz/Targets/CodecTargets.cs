using Parley.Media.Codecs;

namespace Parley.Media.Fuzz.Targets;

/// <summary>
/// Video payload descriptors: keyframe detection for each codec and, for VP8, the field offsets the router
/// rewrites (picture ID, TL0PICIDX), which must lie inside the payload.
/// </summary>
internal static class CodecTargets
{
    public static void RunVp8(ReadOnlySpan<byte> input)
    {
        var keyFrame = KeyFrameDetector.IsKeyFrame(VideoCodec.Vp8, input);
        var hasLayout = Vp8PayloadDescriptor.TryGetLayout(input, out var layout);
        if (hasLayout)
        {
            FuzzInvariantException.Check(layout.PictureIdOffset < 0 || layout.PictureIdOffset + (layout.LongPictureId ? 2 : 1) <= input.Length, "the picture ID is inside the payload");
            FuzzInvariantException.Check(layout.Tl0PicIdxOffset < input.Length, "TL0PICIDX is inside the payload");
        }

        var hasTemporal = Vp8PayloadDescriptor.TryGetTemporalInfo(input, out var temporal);
        FuzzInvariantException.Check(hasTemporal == hasLayout, "layout and temporal info agree on validity");
        FuzzInvariantException.Check(!hasTemporal || temporal.TemporalLayer is >= 0 and <= 3, "the temporal layer is 2-bit");
        FuzzInvariantException.Check(!keyFrame || hasLayout, "a keyframe has a valid descriptor");
    }

    public static void RunVp9(ReadOnlySpan<byte> input) => _ = KeyFrameDetector.IsKeyFrame(VideoCodec.Vp9, input);

    public static void RunH264(ReadOnlySpan<byte> input) => _ = KeyFrameDetector.IsKeyFrame(VideoCodec.H264, input);

    public static void RunAv1(ReadOnlySpan<byte> input) => _ = KeyFrameDetector.IsKeyFrame(VideoCodec.Av1, input);
}
