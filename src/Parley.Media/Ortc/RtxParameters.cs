using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>The RTX (RFC 4588) retransmission stream of an encoding.</summary>
public sealed class RtxParameters
{
    /// <summary>The SSRC of the RTX stream.</summary>
    [JsonPropertyName("ssrc")]
    public uint Ssrc { get; set; }

    internal RtxParameters Clone() => new() { Ssrc = Ssrc };
}
