namespace Parley.Media.Ortc;

/// <summary>URIs of the RTP header extensions (RFC 8285 <c>a=extmap</c>) that the router knows.</summary>
internal static class RtpHeaderExtensionUris
{
    /// <summary>The media identification (RFC 8843 §15).</summary>
    public const string Mid = "urn:ietf:params:rtp-hdrext:sdes:mid";

    /// <summary>The RTP stream identifier that names a simulcast encoding (RFC 8852).</summary>
    public const string RtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";

    /// <summary>The RTP stream identifier of the stream an RTX stream repairs (RFC 8852).</summary>
    public const string RepairedRtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    /// <summary>Absolute send time, used by REMB bandwidth estimation.</summary>
    public const string AbsSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

    /// <summary>Transport-wide sequence number, used by transport-cc bandwidth estimation.</summary>
    public const string TransportWideCcDraft01 = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    /// <summary>Client-to-mixer audio level (RFC 6464).</summary>
    public const string AudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /// <summary>Coordination of video orientation (3GPP TS 26.114).</summary>
    public const string VideoOrientation = "urn:3gpp:video-orientation";

    /// <summary>Transmission time offset (RFC 5450).</summary>
    public const string TimeOffset = "urn:ietf:params:rtp-hdrext:toffset";

    /// <summary>Playout delay limits asked of the receiver.</summary>
    public const string PlayoutDelay = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

    /// <summary>Absolute capture time of the media, used for A/V sync across hops.</summary>
    public const string AbsCaptureTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";

    /// <summary>The AV1 RTP specification's dependency descriptor (SVC frame dependencies).</summary>
    public const string DependencyDescriptor = "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";
}
