namespace Parley.Media.Rtc;

/// <summary>What a datagram carried, for <see cref="TransportTrafficCounters"/>.</summary>
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
/// Bytes and bitrates of one transport in each direction, split as <see cref="TransportStats"/> reports them.
/// Allocation-free per datagram; owned by one worker thread.
/// </summary>
internal sealed class TransportTrafficCounters
{
    private readonly BitrateCalculator _received = new();
    private readonly BitrateCalculator _sent = new();
    private readonly BitrateCalculator _rtpReceived = new();
    private readonly BitrateCalculator _rtpSent = new();
    private readonly BitrateCalculator _rtxReceived = new();
    private readonly BitrateCalculator _rtxSent = new();
    private readonly BitrateCalculator _probationSent = new();

    public long RtpPacketsReceived { get; private set; }

    public long RtpPacketsSent { get; private set; }

    /// <summary>RTX (retransmitted) packets sent, also counted in <see cref="RtpPacketsSent"/>.</summary>
    public long RtxPacketsSent { get; private set; }

    /// <summary>Bytes of the RTP and RTX packets received.</summary>
    public long RtpBytesReceived => _rtpReceived.TotalBytes + _rtxReceived.TotalBytes;

    /// <summary>Bytes of the RTP, RTX and probation packets sent.</summary>
    public long RtpBytesSent => _rtpSent.TotalBytes + _rtxSent.TotalBytes + _probationSent.TotalBytes;

    /// <summary>Counts a datagram received.</summary>
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

    /// <summary>Counts a datagram sent.</summary>
    public void OnSent(TrafficKind kind, int bytes, long nowMilliseconds)
    {
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
}
