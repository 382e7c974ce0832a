using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>
/// The direction in which the router uses an RTP header extension, seen from the router:
/// <c>recvonly</c> means only producers send it to us, <c>sendonly</c> only consumers receive it.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RtpHeaderExtensionDirection>))]
public enum RtpHeaderExtensionDirection
{
    /// <summary>Received from producers and sent to consumers.</summary>
    [JsonStringEnumMemberName("sendrecv")]
    SendRecv,

    /// <summary>Only sent to consumers.</summary>
    [JsonStringEnumMemberName("sendonly")]
    SendOnly,

    /// <summary>Only received from producers.</summary>
    [JsonStringEnumMemberName("recvonly")]
    RecvOnly,

    /// <summary>Neither sent nor received.</summary>
    [JsonStringEnumMemberName("inactive")]
    Inactive,
}
