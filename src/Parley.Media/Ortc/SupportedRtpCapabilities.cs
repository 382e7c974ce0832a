namespace Parley.Media.Ortc;

/// <summary>
/// Everything the router can route: the codecs a router's media codecs are matched against, and the
/// header extensions every router offers, with mediasoup's preferred ids and directions so that
/// mediasoup-client negotiates the same way against us as against mediasoup.
/// </summary>
internal static class SupportedRtpCapabilities
{
    /// <summary>A fresh copy of the supported capabilities (no preferred payload types: the router assigns them).</summary>
    public static RtpCapabilities Get() => new()
    {
        Codecs =
        [
            AudioCodec("audio/opus", 48000, 2),
            AudioCodec("audio/red", 48000, 2),
            VideoCodec("video/VP8"),
            VideoCodec("video/VP9"),
            VideoCodec("video/H264", ("level-asymmetry-allowed", 1)),
            VideoCodec("video/AV1"),
        ],
        HeaderExtensions =
        [
            Extension(MediaKind.Audio, RtpHeaderExtensionUris.Mid, 1, RtpHeaderExtensionDirection.SendRecv),
            Extension(MediaKind.Video, RtpHeaderExtensionUris.Mid, 1, RtpHeaderExtensionDirection.SendRecv),
            // Simulcast stream ids only come in: each consumer gets one plain stream.
            Extension(MediaKind.Video, RtpHeaderExtensionUris.RtpStreamId, 2, RtpHeaderExtensionDirection.RecvOnly),
            Extension(MediaKind.Video, RtpHeaderExtensionUris.RepairedRtpStreamId, 3, RtpHeaderExtensionDirection.RecvOnly),
            Extension(MediaKind.Audio, RtpHeaderExtensionUris.AbsSendTime, 4, RtpHeaderExtensionDirection.SendRecv),
            Extension(MediaKind.Video, RtpHeaderExtensionUris.AbsSendTime, 4, RtpHeaderExtensionDirection.SendRecv),
            // Audio only feeds transport-wide congestion control on the way in, as in mediasoup.
            Extension(MediaKind.Audio, RtpHeaderExtensionUris.TransportWideCcDraft01, 5, RtpHeaderExtensionDirection.RecvOnly),
            Extension(MediaKind.Video, RtpHeaderExtensionUris.TransportWideCcDraft01, 5, RtpHeaderExtensionDirection.SendRecv),
            // The dependency descriptor describes the producer's layers; only an SVC consumer sends it on, rewritten for its layers
            // (mediasoup receives it only: the one difference from its capabilities).
            Extension(MediaKind.Video, RtpHeaderExtensionUris.DependencyDescriptor, 8, RtpHeaderExtensionDirection.SendRecv),
            Extension(MediaKind.Audio, RtpHeaderExtensionUris.AudioLevel, 10, RtpHeaderExtensionDirection.SendRecv),
            Extension(MediaKind.Video, RtpHeaderExtensionUris.VideoOrientation, 11, RtpHeaderExtensionDirection.SendRecv),
            Extension(MediaKind.Video, RtpHeaderExtensionUris.TimeOffset, 12, RtpHeaderExtensionDirection.SendRecv),
            Extension(MediaKind.Audio, RtpHeaderExtensionUris.AbsCaptureTime, 13, RtpHeaderExtensionDirection.SendRecv),
            Extension(MediaKind.Video, RtpHeaderExtensionUris.AbsCaptureTime, 13, RtpHeaderExtensionDirection.SendRecv),
            Extension(MediaKind.Audio, RtpHeaderExtensionUris.PlayoutDelay, 14, RtpHeaderExtensionDirection.SendRecv),
            Extension(MediaKind.Video, RtpHeaderExtensionUris.PlayoutDelay, 14, RtpHeaderExtensionDirection.SendRecv),
        ],
    };

    private static RtpCodecCapability AudioCodec(string mimeType, int clockRate, int channels) => new()
    {
        Kind = MediaKind.Audio,
        MimeType = mimeType,
        ClockRate = clockRate,
        Channels = channels,
        RtcpFeedback = [new RtcpFeedback("nack"), new RtcpFeedback("transport-cc")],
    };

    private static RtpCodecCapability VideoCodec(string mimeType, params (string Key, RtpParameterValue Value)[] parameters)
    {
        var codec = new RtpCodecCapability
        {
            Kind = MediaKind.Video,
            MimeType = mimeType,
            ClockRate = 90000,
            RtcpFeedback =
            [
                new RtcpFeedback("nack"),
                new RtcpFeedback("nack", "pli"),
                new RtcpFeedback("ccm", "fir"),
                new RtcpFeedback("goog-remb"),
                new RtcpFeedback("transport-cc"),
            ],
        };
        foreach (var (key, value) in parameters)
        {
            codec.Parameters[key] = value;
        }

        return codec;
    }

    private static RtpHeaderExtension Extension(MediaKind kind, string uri, int preferredId, RtpHeaderExtensionDirection direction) => new()
    {
        Kind = kind,
        Uri = uri,
        PreferredId = preferredId,
        PreferredEncrypt = false,
        Direction = direction,
    };
}
