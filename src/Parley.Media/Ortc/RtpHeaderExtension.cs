using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>An RTP header extension that a router or a device supports, as in mediasoup's <c>RtpHeaderExtension</c>.</summary>
public sealed class RtpHeaderExtension
{
    /// <summary>The kind of media the extension applies to.</summary>
    [JsonPropertyName("kind")]
    public MediaKind Kind { get; set; }

    /// <summary>The extension URI (see <see cref="RtpHeaderExtensionUris"/>).</summary>
    [JsonPropertyName("uri")]
    public string Uri { get; set; } = "";

    /// <summary>The extension id (1-255) the owner prefers.</summary>
    [JsonPropertyName("preferredId")]
    public int PreferredId { get; set; }

    /// <summary>Whether the extension should be encrypted (RFC 6904).</summary>
    [JsonPropertyName("preferredEncrypt")]
    public bool PreferredEncrypt { get; set; }

    /// <summary>The direction the router uses the extension in.</summary>
    [JsonPropertyName("direction")]
    public RtpHeaderExtensionDirection Direction { get; set; } = RtpHeaderExtensionDirection.SendRecv;

    internal RtpHeaderExtension Clone() => new()
    {
        Kind = Kind,
        Uri = Uri,
        PreferredId = PreferredId,
        PreferredEncrypt = PreferredEncrypt,
        Direction = Direction,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {PreferredId} {Uri} {Direction}";
}
