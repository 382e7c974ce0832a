using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>RTCP settings of a producer or a consumer.</summary>
public sealed class RtcpParameters
{
    /// <summary>The canonical name (RTCP SDES CNAME) that ties the sender's streams together for lip sync.</summary>
    [JsonPropertyName("cname")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cname { get; set; }

    /// <summary>Whether reduced-size RTCP (RFC 5506) is used; true when absent.</summary>
    [JsonPropertyName("reducedSize")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? ReducedSize { get; set; }

    /// <summary>Whether RTP and RTCP share a port (RFC 5761).</summary>
    [JsonPropertyName("mux")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Mux { get; set; }

    internal RtcpParameters Clone() => new() { Cname = Cname, ReducedSize = ReducedSize, Mux = Mux };
}
