using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>
/// How a producer's RTP is layered, which decides how a consumer picks what to forward; serialized
/// lowercase as the <c>type</c> of mediasoup's producers and consumers.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RtpParametersType>))]
public enum RtpParametersType
{
    /// <summary>One stream without layers: forwarded as is.</summary>
    [JsonStringEnumMemberName("simple")]
    Simple,

    /// <summary>Several streams (or one with temporal layers, for codecs without SVC): one is picked at a time.</summary>
    [JsonStringEnumMemberName("simulcast")]
    Simulcast,

    /// <summary>One stream with spatial and temporal layers (VP9, AV1): layers are dropped per consumer.</summary>
    [JsonStringEnumMemberName("svc")]
    Svc,

    /// <summary>Everything forwarded to another router unchanged.</summary>
    [JsonStringEnumMemberName("pipe")]
    Pipe,
}
