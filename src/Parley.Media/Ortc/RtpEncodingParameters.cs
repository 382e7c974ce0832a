using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>One RTP stream (a simulcast layer, or the single stream) of a producer or a consumer, as in mediasoup's <c>RtpEncodingParameters</c>.</summary>
public sealed class RtpEncodingParameters
{
    /// <summary>The SSRC of the stream, when signaled.</summary>
    [JsonPropertyName("ssrc")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? Ssrc { get; set; }

    /// <summary>The RTP stream id (RFC 8852) that names the stream when SSRCs are not signaled.</summary>
    [JsonPropertyName("rid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Rid { get; set; }

    /// <summary>The payload type of the codec this stream uses, when it is pinned to one.</summary>
    [JsonPropertyName("codecPayloadType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CodecPayloadType { get; set; }

    /// <summary>The RTX stream that repairs this one, when RTX is in use and SSRCs are signaled.</summary>
    [JsonPropertyName("rtx")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RtxParameters? Rtx { get; set; }

    /// <summary>Whether discontinuous transmission is on (audio).</summary>
    [JsonPropertyName("dtx")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Dtx { get; set; }

    /// <summary>The scalability mode (<c>L1T3</c>, <c>L3T3_KEY</c>, <c>S3T3</c>...): spatial and temporal layers.</summary>
    [JsonPropertyName("scalabilityMode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ScalabilityMode { get; set; }

    /// <summary>The factor by which the sender scales the resolution down for this stream.</summary>
    [JsonPropertyName("scaleResolutionDownBy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ScaleResolutionDownBy { get; set; }

    /// <summary>The maximum bitrate in bits per second.</summary>
    [JsonPropertyName("maxBitrate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MaxBitrate { get; set; }

    /// <summary>The maximum frame rate.</summary>
    [JsonPropertyName("maxFramerate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? MaxFramerate { get; set; }

    /// <summary>Whether the sender may adapt the audio packet time.</summary>
    [JsonPropertyName("adaptivePtime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? AdaptivePtime { get; set; }

    /// <summary>The sender's priority for this stream (<c>very-low</c>, <c>low</c>, <c>medium</c>, <c>high</c>).</summary>
    [JsonPropertyName("priority")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Priority { get; set; }

    /// <summary>The network (DSCP) priority for this stream (<c>very-low</c>, <c>low</c>, <c>medium</c>, <c>high</c>).</summary>
    [JsonPropertyName("networkPriority")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NetworkPriority { get; set; }

    /// <summary>
    /// Fields the browser sends that the router does not interpret (such as <c>active</c>), kept so
    /// that the parameters serialize back as they came.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    internal RtpEncodingParameters Clone() => new()
    {
        Ssrc = Ssrc,
        Rid = Rid,
        CodecPayloadType = CodecPayloadType,
        Rtx = Rtx?.Clone(),
        Dtx = Dtx,
        ScalabilityMode = ScalabilityMode,
        ScaleResolutionDownBy = ScaleResolutionDownBy,
        MaxBitrate = MaxBitrate,
        MaxFramerate = MaxFramerate,
        AdaptivePtime = AdaptivePtime,
        Priority = Priority,
        NetworkPriority = NetworkPriority,
        AdditionalProperties = AdditionalProperties is null ? null : new Dictionary<string, JsonElement>(AdditionalProperties),
    };
}
