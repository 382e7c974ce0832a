namespace Parley.Media.Ortc;

/// <summary>The media codecs a meeting room's router is created with unless configured otherwise.</summary>
public static class RouterDefaults
{
    /// <summary>
    /// A fresh list: opus 48000/2; VP8; VP9 profile 0 and 2; H264 packetization-mode 1 with
    /// Constrained Baseline (42e01f) and Main (4d001f), level asymmetry allowed; AV1; RED 48000/2 (RFC 2198
    /// redundancy for opus: after opus, so that a sender that takes the first audio codec sends plain opus, and last,
    /// so that the payload types of the others stay as they were). The order is the order of preference when a
    /// consumer's device supports several.
    /// </summary>
    public static IReadOnlyList<RtpCodecCapability> MediaCodecs =>
    [
        new() { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
        new() { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 },
        new() { Kind = MediaKind.Video, MimeType = "video/VP9", ClockRate = 90000, Parameters = { ["profile-id"] = 0 } },
        new() { Kind = MediaKind.Video, MimeType = "video/VP9", ClockRate = 90000, Parameters = { ["profile-id"] = 2 } },
        new()
        {
            Kind = MediaKind.Video,
            MimeType = "video/H264",
            ClockRate = 90000,
            Parameters = { ["packetization-mode"] = 1, ["profile-level-id"] = "42e01f", ["level-asymmetry-allowed"] = 1 },
        },
        new()
        {
            Kind = MediaKind.Video,
            MimeType = "video/H264",
            ClockRate = 90000,
            Parameters = { ["packetization-mode"] = 1, ["profile-level-id"] = "4d001f", ["level-asymmetry-allowed"] = 1 },
        },
        new() { Kind = MediaKind.Video, MimeType = "video/AV1", ClockRate = 90000 },
        new() { Kind = MediaKind.Audio, MimeType = "audio/red", ClockRate = 48000, Channels = 2 },
    ];
}
