using System.Text.Json.Serialization;

namespace Parley.Media.Rtc;

/// <summary>
/// Stats of a transport, named as mediasoup's <c>getStats()</c> names them: bytes and bitrates in each direction,
/// split into RTP, RTX and probation traffic, plus the ICE and DTLS state of a WebRTC transport.
/// </summary>
public sealed record TransportStats
{
    /// <summary>The <see cref="Type"/> of a WebRTC transport's stats.</summary>
    public const string WebRtcTransportType = "webrtc-transport";

    /// <summary>The <see cref="Type"/> of a plain transport's stats.</summary>
    public const string PlainTransportType = "plain-rtp-transport";

    /// <summary><see cref="WebRtcTransportType"/> or <see cref="PlainTransportType"/>, as mediasoup reports it.</summary>
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = WebRtcTransportType;

    /// <summary>Id of the transport.</summary>
    public string TransportId { get; init; } = "";

    /// <summary>When the stats were taken, in the worker's milliseconds.</summary>
    public long Timestamp { get; init; }

    /// <summary>Bytes received, every datagram counted.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Receive bitrate over the last second, bits per second.</summary>
    public long RecvBitrate { get; init; }

    /// <summary>Bytes sent, every datagram counted.</summary>
    public long BytesSent { get; init; }

    /// <summary>Send bitrate over the last second, bits per second.</summary>
    public long SendBitrate { get; init; }

    /// <summary>Bytes of original RTP media received.</summary>
    public long RtpBytesReceived { get; init; }

    /// <summary>Bitrate of original RTP media received.</summary>
    public long RtpRecvBitrate { get; init; }

    /// <summary>Bytes of original RTP media sent.</summary>
    public long RtpBytesSent { get; init; }

    /// <summary>Bitrate of original RTP media sent.</summary>
    public long RtpSendBitrate { get; init; }

    /// <summary>Bytes of retransmissions received.</summary>
    public long RtxBytesReceived { get; init; }

    /// <summary>Bitrate of retransmissions received.</summary>
    public long RtxRecvBitrate { get; init; }

    /// <summary>Bytes of retransmissions sent.</summary>
    public long RtxBytesSent { get; init; }

    /// <summary>Bitrate of retransmissions sent.</summary>
    public long RtxSendBitrate { get; init; }

    /// <summary>Bytes of bandwidth-probing padding sent.</summary>
    public long ProbationBytesSent { get; init; }

    /// <summary>Bitrate of bandwidth-probing padding sent.</summary>
    public long ProbationSendBitrate { get; init; }

    /// <summary>RTP packets received (mediasoup exposes only bytes; kept for our own dashboards).</summary>
    public long RtpPacketCountReceived { get; init; }

    /// <summary>RTP packets sent.</summary>
    public long RtpPacketCountSent { get; init; }

    /// <summary>Outgoing bitrate the congestion controller allows, when it runs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? AvailableOutgoingBitrate { get; init; }

    /// <summary>
    /// The send-side estimate's parts and the pacer (a WebRTC transport whose consumers negotiated transport-cc), for
    /// diagnosis; absent otherwise. Not part of mediasoup's shape.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BandwidthEstimationStats? BandwidthEstimation { get; init; }

    /// <summary><c>controlled</c> for our ICE-lite transports.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IceRole { get; init; }

    /// <summary><c>new</c>, <c>connected</c>, <c>completed</c>, <c>disconnected</c> or <c>closed</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IceState { get; init; }

    /// <summary><c>new</c>, <c>connecting</c>, <c>connected</c>, <c>failed</c> or <c>closed</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DtlsState { get; init; }
}
