using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>
/// What a producer sends or a consumer receives: codecs with payload types, header extensions with
/// ids, encodings and RTCP settings, as in mediasoup's <c>RtpParameters</c> (the <c>rtpParameters</c>
/// of mediasoup-client's <c>produce</c> event and of the server's <c>consume</c> answer).
/// </summary>
public sealed class RtpParameters
{
    /// <summary>The media section identifier (MID) of the stream, when signaled.</summary>
    [JsonPropertyName("mid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mid { get; set; }

    /// <summary>The codecs in use: media codecs first, each RTX codec pointing to its media codec with <c>apt</c>.</summary>
    [JsonPropertyName("codecs")]
    public List<RtpCodecParameters> Codecs { get; set; } = [];

    /// <summary>The header extensions in use.</summary>
    [JsonPropertyName("headerExtensions")]
    public List<RtpHeaderExtensionParameters> HeaderExtensions { get; set; } = [];

    /// <summary>The RTP streams: several for simulcast, one otherwise.</summary>
    [JsonPropertyName("encodings")]
    public List<RtpEncodingParameters> Encodings { get; set; } = [];

    /// <summary>RTCP settings.</summary>
    [JsonPropertyName("rtcp")]
    public RtcpParameters Rtcp { get; set; } = new();

    /// <summary>
    /// Fields the client sends that the router does not interpret (mediasoup-client adds <c>msid</c>),
    /// kept so that the parameters serialize back as they came.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>A deep copy, so that one owner's changes never reach another's.</summary>
    public RtpParameters Clone() => new()
    {
        Mid = Mid,
        Codecs = Codecs.ConvertAll(c => c.Clone()),
        HeaderExtensions = HeaderExtensions.ConvertAll(e => e.Clone()),
        Encodings = Encodings.ConvertAll(e => e.Clone()),
        Rtcp = Rtcp.Clone(),
        AdditionalProperties = AdditionalProperties is null ? null : new Dictionary<string, JsonElement>(AdditionalProperties),
    };
}
