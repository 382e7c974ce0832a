using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>
/// A codec that a router or a device can handle, as in mediasoup's <c>RtpCodecCapability</c>.
/// Also the shape of the router's media codecs, where <see cref="PreferredPayloadType"/> may be left out.
/// </summary>
public sealed class RtpCodecCapability : ICodecDescription
{
    /// <summary>Audio or video; validation sets it from <see cref="MimeType"/>.</summary>
    [JsonPropertyName("kind")]
    public MediaKind Kind { get; set; }

    /// <summary>The codec MIME type, <c>audio/opus</c>, <c>video/VP8</c>, <c>video/rtx</c>...</summary>
    [JsonPropertyName("mimeType")]
    public string MimeType { get; set; } = "";

    /// <summary>The payload type the owner prefers; the router assigns one when absent.</summary>
    [JsonPropertyName("preferredPayloadType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? PreferredPayloadType { get; set; }

    /// <summary>The RTP clock rate in Hz.</summary>
    [JsonPropertyName("clockRate")]
    public int ClockRate { get; set; }

    /// <summary>The number of audio channels (1 when absent for audio); absent for video.</summary>
    [JsonPropertyName("channels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Channels { get; set; }

    /// <summary>Codec-specific parameters (SDP <c>a=fmtp</c>).</summary>
    [JsonPropertyName("parameters")]
    public Dictionary<string, RtpParameterValue> Parameters { get; set; } = [];

    /// <summary>The RTCP feedback mechanisms the codec supports.</summary>
    [JsonPropertyName("rtcpFeedback")]
    public List<RtcpFeedback> RtcpFeedback { get; set; } = [];

    internal RtpCodecCapability Clone() => new()
    {
        Kind = Kind,
        MimeType = MimeType,
        PreferredPayloadType = PreferredPayloadType,
        ClockRate = ClockRate,
        Channels = Channels,
        Parameters = new Dictionary<string, RtpParameterValue>(Parameters),
        RtcpFeedback = RtcpFeedback.ConvertAll(fb => fb.Clone()),
    };

    /// <inheritdoc />
    public override string ToString() => $"{MimeType}/{ClockRate} pt={PreferredPayloadType}";
}
