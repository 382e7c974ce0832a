using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>An RTP header extension in use by a producer or a consumer, with its negotiated id.</summary>
public sealed class RtpHeaderExtensionParameters
{
    /// <summary>The extension URI (see <see cref="RtpHeaderExtensionUris"/>).</summary>
    [JsonPropertyName("uri")]
    public string Uri { get; set; } = "";

    /// <summary>The extension id (1-255) carried in the RTP header.</summary>
    [JsonPropertyName("id")]
    public int Id { get; set; }

    /// <summary>Whether the extension is encrypted (RFC 6904).</summary>
    [JsonPropertyName("encrypt")]
    public bool Encrypt { get; set; }

    /// <summary>Extension-specific parameters.</summary>
    [JsonPropertyName("parameters")]
    public Dictionary<string, RtpParameterValue> Parameters { get; set; } = [];

    internal RtpHeaderExtensionParameters Clone() => new()
    {
        Uri = Uri,
        Id = Id,
        Encrypt = Encrypt,
        Parameters = new Dictionary<string, RtpParameterValue>(Parameters),
    };

    /// <inheritdoc />
    public override string ToString() => $"{Id} {Uri}";
}
