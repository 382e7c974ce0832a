using System.Text.Json.Serialization;

namespace Parley.Media.Dtls;

/// <summary>
/// The DTLS half of a WebRTC transport's signaling, in the shape mediasoup-client uses:
/// <c>{ role: "auto" | "client" | "server", fingerprints: [{ algorithm, value }] }</c>.
/// </summary>
public sealed class DtlsParameters
{
    /// <summary>The signaling endpoint's DTLS role; "auto" when it lets the other side decide.</summary>
    [JsonPropertyName("role")]
    public DtlsRole Role { get; init; } = DtlsRole.Auto;

    /// <summary>The fingerprints of the endpoint's certificate, any one of which must match it.</summary>
    [JsonPropertyName("fingerprints")]
    public IReadOnlyList<DtlsFingerprint> Fingerprints { get; init; } = [];
}
