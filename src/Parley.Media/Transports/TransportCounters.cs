using Parley.Media.Rtc;

namespace Parley.Media.Transports;

/// <summary>What a datagram carried, for <see cref="TransportCounters"/>.</summary>
internal enum TrafficKind
{
    /// <summary>Original RTP media.</summary>
    Rtp,

    /// <summary>RTP retransmission (RFC 4588).</summary>
    Rtx,

    /// <summary>Padding sent to probe bandwidth.</summary>
    Probation,

    /// <summary>RTCP, STUN, DTLS: counted in the totals only.</summary>
    Other,
}

/// <summary>
/// The one set of counters of a transport: datagrams in and out, bytes and bitrates split as
/// <see cref="TransportStats"/> reports them, RTCP feedback, and drops by reason. Allocation-free per datagram. Written
/// only on the worker thread; read from others for stats, where a torn 64-bit read is harmless on the 64-bit platforms
/// we run on.
/// </summary>
internal sealed class TransportCounters
{
    private readonly long[] _dropped = new long[Enum.GetValues<RtpDropReason>().Length];
    private readonly long[] _connectionDropped = new long[Enum.GetValues<WebRtcDropReason>().Length];

    private readonly BitrateCalculator _received = new();
    private readonly BitrateCalculator _sent = new();
    private readonly BitrateCalculator _rtpReceived = new();
    private readonly BitrateCalculator _rtpSent = new();
    private readonly BitrateCalculator _rtxReceived = new();
    private readonly BitrateCalculator _rtxSent = new();
    private readonly BitrateCalculator _probationSent = new();

    /// <summary>RTP and RTX packets routed to a producer stream.</summary>
    public long RtpPacketsReceived { get; private set; }

    /// <summary>RTP, RTX and probation packets sent.</summary>
    public long RtpPacketsSent { get; private set; }

    /// <summary>RTX (retransmitted) packets sent, also counted in <see cref="RtpPacketsSent"/>.</summary>
    public long RtxPacketsSent { get; private set; }

    /// <summary>Bytes of the RTP and RTX packets received.</summary>
    public long RtpBytesReceived => _rtpReceived.TotalBytes + _rtxReceived.TotalBytes;

    /// <summary>Bytes of the RTP, RTX and probation packets sent.</summary>
    public long RtpBytesSent => _rtpSent.TotalBytes + _rtxSent.TotalBytes + _probationSent.TotalBytes;

    /// <summary>Counts a datagram received once it is known what it carried (one the transport took up, not one it refused).</summary>
    public void OnReceived(TrafficKind kind, int bytes, long nowMilliseconds)
    {
        _received.Update(bytes, nowMilliseconds);
        switch (kind)
        {
            case TrafficKind.Rtp:
                RtpPacketsReceived++;
                _rtpReceived.Update(bytes, nowMilliseconds);
                break;
            case TrafficKind.Rtx:
                RtpPacketsReceived++;
                _rtxReceived.Update(bytes, nowMilliseconds);
                break;
        }
    }

    /// <summary>Counts a datagram sent: the one update per packet on the send path.</summary>
    public void OnSent(TrafficKind kind, int bytes, long nowMilliseconds)
    {
        PacketsSent++;
        _sent.Update(bytes, nowMilliseconds);
        switch (kind)
        {
            case TrafficKind.Rtp:
                RtpPacketsSent++;
                _rtpSent.Update(bytes, nowMilliseconds);
                break;
            case TrafficKind.Rtx:
                RtpPacketsSent++;
                RtxPacketsSent++;
                _rtxSent.Update(bytes, nowMilliseconds);
                break;
            case TrafficKind.Probation:
                RtpPacketsSent++;
                _probationSent.Update(bytes, nowMilliseconds);
                break;
        }
    }

    /// <summary>Retransmissions sent over the last second, bits per second.</summary>
    public long RtxSendBitrate(long nowMilliseconds) => _rtxSent.GetBitrate(nowMilliseconds);

    /// <summary>Builds the transport's stats; the ICE and DTLS states come from the transport itself.</summary>
    public TransportStats CreateStats(
        string transportId,
        long nowMilliseconds,
        string type = TransportStats.WebRtcTransportType,
        string? iceRole = null,
        string? iceState = null,
        string? dtlsState = null,
        long? availableOutgoingBitrate = null) => new()
    {
        Type = type,
        TransportId = transportId,
        Timestamp = nowMilliseconds,
        BytesReceived = _received.TotalBytes,
        RecvBitrate = _received.GetBitrate(nowMilliseconds),
        BytesSent = _sent.TotalBytes,
        SendBitrate = _sent.GetBitrate(nowMilliseconds),
        RtpBytesReceived = _rtpReceived.TotalBytes,
        RtpRecvBitrate = _rtpReceived.GetBitrate(nowMilliseconds),
        RtpBytesSent = _rtpSent.TotalBytes,
        RtpSendBitrate = _rtpSent.GetBitrate(nowMilliseconds),
        RtxBytesReceived = _rtxReceived.TotalBytes,
        RtxRecvBitrate = _rtxReceived.GetBitrate(nowMilliseconds),
        RtxBytesSent = _rtxSent.TotalBytes,
        RtxSendBitrate = _rtxSent.GetBitrate(nowMilliseconds),
        ProbationBytesSent = _probationSent.TotalBytes,
        ProbationSendBitrate = _probationSent.GetBitrate(nowMilliseconds),
        RtpPacketCountReceived = RtpPacketsReceived,
        RtpPacketCountSent = RtpPacketsSent,
        AvailableOutgoingBitrate = availableOutgoingBitrate,
        IceRole = iceRole,
        IceState = iceState,
        DtlsState = dtlsState,
    };

    /// <summary>
    /// Datagrams that reached the transport's receive path, whatever became of them (for a WebRTC transport: every
    /// datagram from a validated tuple, DTLS included, counted before it is decrypted).
    /// </summary>
    public long PacketsReceived { get; private set; }

    /// <summary>Bytes of those datagrams.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Datagrams sent (RTP, RTX, RTCP).</summary>
    public long PacketsSent { get; private set; }

    /// <summary>Bytes of the datagrams sent.</summary>
    public long BytesSent => _sent.TotalBytes;

    /// <summary>RTCP compound packets taken in.</summary>
    public long RtcpPacketsReceived { get; set; }

    /// <summary>Generic NACK packets received (for consumers of this transport).</summary>
    public long NacksReceived { get; set; }

    /// <summary>PLIs sent to the remote producer.</summary>
    public long KeyFrameRequestsSent { get; set; }

    /// <summary>Counts a datagram arriving on the receive path, before it is checked.</summary>
    public void OnDatagramReceived(int bytes)
    {
        PacketsReceived++;
        BytesReceived += bytes;
    }

    public void OnDropped(RtpDropReason reason) => _dropped[(int)reason]++;

    /// <summary>
    /// A drop in a WebRTC transport's ICE/DTLS/SRTP layer. Atomic, unlike the rest: a DTLS flight with no tuple to go to
    /// is counted on a handshake thread.
    /// </summary>
    public void OnDropped(WebRtcDropReason reason) => Interlocked.Increment(ref _connectionDropped[(int)reason]);

    public long Dropped(WebRtcDropReason reason) => Interlocked.Read(ref _connectionDropped[(int)reason]);

    public long Dropped(RtpDropReason reason) => Volatile.Read(ref _dropped[(int)reason]);

    public IReadOnlyDictionary<RtpDropReason, long> DroppedByReason()
    {
        var result = new Dictionary<RtpDropReason, long>();
        foreach (var reason in Enum.GetValues<RtpDropReason>())
        {
            var count = Dropped(reason);
            if (count != 0)
            {
                result[reason] = count;
            }
        }

        return result;
    }
}
