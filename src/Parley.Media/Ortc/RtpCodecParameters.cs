using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>A codec in use by a producer or a consumer, with its negotiated payload type, as in mediasoup's <c>RtpCodecParameters</c>.</summary>
public sealed class RtpCodecParameters : ICodecDescription
{
    /// <summary>The codec MIME type, <c>audio/opus</c>, <c>video/VP8</c>, <c>video/rtx</c>...</summary>
    [JsonPropertyName("mimeType")]
    public string MimeType { get; set; } = "";

    /// <summary>The payload type (0-127) carried in the RTP header.</summary>
    [JsonPropertyName("payloadType")]
    public int PayloadType { get; set; } = -1;

    /// <summary>The RTP clock rate in Hz.</summary>
    [JsonPropertyName("clockRate")]
    public int ClockRate { get; set; }

    /// <summary>The number of audio channels (1 when absent for audio); absent for video.</summary>
    [JsonPropertyName("channels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Channels { get; set; }

    /// <summary>Codec-specific parameters (SDP <c>a=fmtp</c>); for RTX, <c>apt</c> names the media payload type.</summary>
    [JsonPropertyName("parameters")]
    public Dictionary<string, RtpParameterValue> Parameters { get; set; } = [];

    /// <summary>The RTCP feedback mechanisms in use for the codec.</summary>
    [JsonPropertyName("rtcpFeedback")]
    public List<RtcpFeedback> RtcpFeedback { get; set; } = [];

    internal RtpCodecParameters Clone() => new()
    {
        MimeType = MimeType,
        PayloadType = PayloadType,
        ClockRate = ClockRate,
        Channels = Channels,
        Parameters = new Dictionary<string, RtpParameterValue>(Parameters),
        RtcpFeedback = RtcpFeedback.ConvertAll(fb => fb.Clone()),
    };

    /// <inheritdoc />
    public override string ToString() => $"{MimeType}/{ClockRate} pt={PayloadType}";
}
