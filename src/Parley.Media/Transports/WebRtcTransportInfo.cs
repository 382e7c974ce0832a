using System.Text.Json;
using Parley.Media.Dtls;
using Parley.Media.Ice;

namespace Parley.Media.Transports;

/// <summary>
/// What mediasoup-client's <c>device.createSendTransport/createRecvTransport</c> take; serialise it with
/// <see cref="JsonOptions"/> (camelCase) to get <c>{id, iceParameters, iceCandidates, dtlsParameters, sctpParameters}</c>.
/// </summary>
/// <param name="Id">The transport id.</param>
/// <param name="IceParameters">usernameFragment, password, iceLite.</param>
/// <param name="IceCandidates">Our host candidates.</param>
/// <param name="DtlsParameters">Role "auto" and our certificate's fingerprints.</param>
/// <param name="SctpParameters">Always null: no data channels.</param>
public sealed record WebRtcTransportInfo(
    string Id,
    IceParameters IceParameters,
    IReadOnlyList<IceCandidate> IceCandidates,
    DtlsParameters DtlsParameters,
    object? SctpParameters = null)
{
    /// <summary>Web defaults (camelCase, case-insensitive reading).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);
}
