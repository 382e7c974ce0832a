using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>
/// What a router or a device can send and receive: the router's <c>rtpCapabilities</c> given to
/// mediasoup-client's <c>device.load()</c>, and the <c>device.rtpCapabilities</c> sent back to consume.
/// </summary>
public sealed class RtpCapabilities
{
    /// <summary>The supported codecs, RTX codecs included.</summary>
    [JsonPropertyName("codecs")]
    public List<RtpCodecCapability> Codecs { get; set; } = [];

    /// <summary>The supported RTP header extensions.</summary>
    [JsonPropertyName("headerExtensions")]
    public List<RtpHeaderExtension> HeaderExtensions { get; set; } = [];

    /// <summary>A deep copy, so that one owner's changes never reach another's.</summary>
    public RtpCapabilities Clone() => new()
    {
        Codecs = Codecs.ConvertAll(c => c.Clone()),
        HeaderExtensions = HeaderExtensions.ConvertAll(e => e.Clone()),
    };
}
