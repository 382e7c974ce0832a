namespace Parley.Media.Codecs;

/// <summary>The video payload formats whose keyframes the router can recognise.</summary>
internal enum VideoCodec : byte
{
    /// <summary>Audio, RTX or an unknown format: never a keyframe.</summary>
    None,

    Vp8,

    Vp9,

    H264,

    Av1,
}

/// <summary>Keyframe detection by payload format, and the format named by a MIME type.</summary>
internal static class KeyFrameDetector
{
    public static VideoCodec FromMimeType(string mimeType) => mimeType.ToLowerInvariant() switch
    {
        "video/vp8" => VideoCodec.Vp8,
        "video/vp9" => VideoCodec.Vp9,
        "video/h264" or "video/h264-svc" => VideoCodec.H264,
        "video/av1" => VideoCodec.Av1,
        _ => VideoCodec.None,
    };

    public static bool IsKeyFrame(VideoCodec codec, ReadOnlySpan<byte> payload) => codec switch
    {
        VideoCodec.Vp8 => Vp8PayloadDescriptor.IsKeyFrame(payload),
        VideoCodec.Vp9 => Vp9PayloadDescriptor.IsKeyFrame(payload),
        VideoCodec.H264 => H264Payload.IsKeyFrame(payload),
        VideoCodec.Av1 => Av1AggregationHeader.IsKeyFrame(payload),
        _ => false,
    };
}
