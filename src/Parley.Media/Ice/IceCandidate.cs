using System.Text.Json.Serialization;
using Parley.Media.Net;

namespace Parley.Media.Ice;

/// <summary>
/// One of our host candidates for signaling, in mediasoup-client's shape
/// <c>{foundation, priority, ip, address, port, type, protocol, tcpType?}</c>.
/// </summary>
public sealed class IceCandidate
{
    private const int HostTypePreference = 126;
    private const int UdpLocalPreference = 65535;

    // RFC 6544 §4.2: local preference = 2^13 * direction-pref + other-pref, passive host direction-pref = 4.
    private const int TcpPassiveLocalPreference = (1 << 13) * 4 + 8191;

    /// <summary>Same for all candidates of one protocol, as they share base and server (RFC 8445 §5.1.1.3).</summary>
    public required string Foundation { get; init; }

    /// <summary>RFC 8445 §5.1.2 priority.</summary>
    public required uint Priority { get; init; }

    /// <summary>The announced address (mediasoup-client reads <c>ip</c>).</summary>
    public required string Ip { get; init; }

    /// <summary>The same as <see cref="Ip"/> (newer mediasoup-client reads <c>address</c>).</summary>
    public required string Address { get; init; }

    /// <summary>The port.</summary>
    public required int Port { get; init; }

    /// <summary>Always <c>host</c>.</summary>
    public string Type { get; init; } = "host";

    /// <summary><c>udp</c> or <c>tcp</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary><c>passive</c> for TCP candidates (RFC 6544), absent for UDP.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TcpType { get; init; }

    /// <summary>A host candidate on <paramref name="announcedAddress"/>:<paramref name="port"/>.</summary>
    public static IceCandidate CreateHost(TransportProtocol protocol, string announcedAddress, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(announcedAddress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        var udp = protocol == TransportProtocol.Udp;
        return new IceCandidate
        {
            Foundation = udp ? "udpcandidate" : "tcpcandidate",
            Priority = ComputePriority(HostTypePreference, udp ? UdpLocalPreference : TcpPassiveLocalPreference, componentId: 1),
            Ip = announcedAddress,
            Address = announcedAddress,
            Port = port,
            Protocol = udp ? "udp" : "tcp",
            TcpType = udp ? null : "passive",
        };
    }

    /// <summary>RFC 8445 §5.1.2.1: 2^24 * type preference + 2^8 * local preference + (256 - component id).</summary>
    internal static uint ComputePriority(int typePreference, int localPreference, int componentId) =>
        (uint)((typePreference << 24) + (localPreference << 8) + (256 - componentId));
}
