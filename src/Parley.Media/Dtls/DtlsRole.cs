using System.Text.Json.Serialization;

namespace Parley.Media.Dtls;

/// <summary>The DTLS role of an endpoint, as carried in mediasoup's <c>dtlsParameters.role</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DtlsRole>))]
public enum DtlsRole
{
    /// <summary>The role is decided later from the peer's role ("auto").</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,

    /// <summary>The endpoint sends the ClientHello ("client").</summary>
    [JsonStringEnumMemberName("client")]
    Client,

    /// <summary>The endpoint answers the ClientHello ("server").</summary>
    [JsonStringEnumMemberName("server")]
    Server,
}

/// <summary>Chooses our DTLS role from the role the peer signaled.</summary>
internal static class DtlsRoleNegotiation
{
    /// <summary>
    /// The local role for a transport whose own signaled role is "auto", given the remote role.
    /// Follows mediasoup: the opposite of an explicit remote role, and client when the remote side
    /// is also "auto", because an ICE-lite server is always ICE-controlled and the controlled side
    /// takes the active DTLS role in that case.
    /// </summary>
    /// <param name="remoteRole">The role from the peer's <see cref="DtlsParameters"/>.</param>
    /// <returns><see cref="DtlsRole.Client"/> or <see cref="DtlsRole.Server"/>, never <see cref="DtlsRole.Auto"/>.</returns>
    public static DtlsRole ResolveLocalRole(DtlsRole remoteRole) => remoteRole switch
    {
        DtlsRole.Client => DtlsRole.Server,
        DtlsRole.Server => DtlsRole.Client,
        DtlsRole.Auto => DtlsRole.Client,
        _ => throw new ArgumentOutOfRangeException(nameof(remoteRole), remoteRole, "Unknown DTLS role."),
    };
}
