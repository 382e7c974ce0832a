using Parley.Media.Rtcp;

namespace Parley.Media.Rtc;

/// <summary>
/// Statistics of one outgoing RTP stream: what was sent, the RTP-to-wall-clock mapping an SR announces
/// (RFC 3550 §6.4.1) and what the remote end's receiver reports say back (loss, jitter, round-trip time).
/// Owned by one worker thread; every update is allocation-free.
/// </summary>
/// <remarks>
/// <c>nowMilliseconds</c> is the worker's monotonic clock; the NTP timestamp of an SR is wall-clock time taken at
/// the same moment. The round-trip time is computed in the NTP domain (A − LSR − DLSR) with A extrapolated from the
/// last SR sent, so only the two clocks' rates have to agree, not their origins.
/// </remarks>
internal sealed class SendStreamStatistics
{
    private bool _hasTimestamp;
    private uint _latestRtpTimestamp;
    private long _latestRtpTimestampAtMilliseconds;
    private bool _hasSenderReport;
    private ulong _lastSenderReportNtp;
    private long _lastSenderReportAtMilliseconds;

    /// <summary>Creates the statistics of <paramref name="ssrc"/>, an RTP clock of <paramref name="clockRate"/> Hz.</summary>
    public SendStreamStatistics(uint ssrc, uint clockRate)
    {
        ArgumentOutOfRangeException.ThrowIfZero(clockRate);
        Ssrc = ssrc;
        ClockRate = clockRate;
    }

    public uint Ssrc { get; }

    public uint ClockRate { get; }

    /// <summary>Original (not retransmitted) packets sent; the SR's packet count.</summary>
    public long PacketCount { get; private set; }

    /// <summary>Bytes of original packets sent, headers included (as mediasoup counts the SR's octet count).</summary>
    public long ByteCount { get; private set; }

    /// <summary>Packets resent after a NACK.</summary>
    public long PacketsRetransmitted { get; private set; }

    /// <summary>Bytes resent after a NACK.</summary>
    public long BytesRetransmitted { get; private set; }

    /// <summary>Round-trip time from the latest usable receiver report, in milliseconds; 0 while unknown.</summary>
    public double RoundTripTimeMilliseconds { get; private set; }

    /// <summary>Fraction lost the remote end reported last, in 1/256.</summary>
    public byte RemoteFractionLost { get; private set; }

    /// <summary>Cumulative loss the remote end reported last.</summary>
    public int RemotePacketsLost { get; private set; }

    /// <summary>Extended highest sequence number the remote end reported last.</summary>
    public uint RemoteExtendedHighestSequence { get; private set; }

    /// <summary>Interarrival jitter the remote end reported last, in RTP timestamp units.</summary>
    public uint RemoteJitter { get; private set; }

    /// <summary>Receiver reports about this stream taken in.</summary>
    public long ReceiverReportCount { get; private set; }

    /// <summary>
    /// Feeds one packet sent. Originals move the RTP clock mapping forward (only to a newer timestamp, so a late
    /// packet of an earlier frame does not pull it back); retransmissions are only counted.
    /// </summary>
    public void OnPacketSent(uint rtpTimestamp, int length, long nowMilliseconds, bool isRetransmission = false)
    {
        if (isRetransmission)
        {
            PacketsRetransmitted++;
            BytesRetransmitted += length;
            return;
        }

        PacketCount++;
        ByteCount += length;
        if (!_hasTimestamp || (int)(rtpTimestamp - _latestRtpTimestamp) >= 0)
        {
            _hasTimestamp = true;
            _latestRtpTimestamp = rtpTimestamp;
            _latestRtpTimestampAtMilliseconds = nowMilliseconds;
        }
    }

    /// <summary>True once a packet has been sent, so an SR has a timestamp to announce.</summary>
    public bool CanSendSenderReport => _hasTimestamp;

    /// <summary>
    /// The RTP timestamp that corresponds to <paramref name="nowMilliseconds"/>: the latest sent, extrapolated at the
    /// clock rate by the time elapsed since it was sent.
    /// </summary>
    public uint GetRtpTimestampAt(long nowMilliseconds) =>
        unchecked(_latestRtpTimestamp + (uint)((nowMilliseconds - _latestRtpTimestampAtMilliseconds) * ClockRate / 1000));

    /// <summary>
    /// Writes an SR for this stream: <paramref name="ntpTimestamp"/> is wall-clock time now (see
    /// <see cref="NtpTime.FromUnixMilliseconds"/>), paired with the RTP timestamp of the same instant, followed by
    /// <paramref name="blocks"/>. Remembers the SR so later receiver reports give a round-trip time.
    /// </summary>
    public bool TryWriteSenderReport(
        Span<byte> destination,
        long nowMilliseconds,
        ulong ntpTimestamp,
        ReadOnlySpan<RtcpReportBlock> blocks,
        out int written)
    {
        written = 0;
        if (!_hasTimestamp
            || !RtcpSenderReport.TryWrite(
                destination,
                Ssrc,
                ntpTimestamp,
                GetRtpTimestampAt(nowMilliseconds),
                unchecked((uint)PacketCount),
                unchecked((uint)ByteCount),
                blocks,
                out written))
        {
            return false;
        }

        _hasSenderReport = true;
        _lastSenderReportNtp = ntpTimestamp;
        _lastSenderReportAtMilliseconds = nowMilliseconds;
        return true;
    }

    /// <summary>
    /// Takes in a report block about this stream received at <paramref name="nowMilliseconds"/>: stores the remote
    /// loss and jitter and, when the block answers one of our SRs, the round-trip time A − LSR − DLSR.
    /// </summary>
    public void OnReceiverReport(in RtcpReportBlock block, long nowMilliseconds)
    {
        ReceiverReportCount++;
        RemoteFractionLost = block.FractionLost;
        RemotePacketsLost = block.CumulativeLost;
        RemoteExtendedHighestSequence = block.ExtendedHighestSequence;
        RemoteJitter = block.Jitter;

        if (block.LastSenderReport == 0 || !_hasSenderReport)
        {
            return;
        }

        var arrival = unchecked(NtpTime.ToCompact(_lastSenderReportNtp)
            + NtpTime.MillisecondsToCompact(nowMilliseconds - _lastSenderReportAtMilliseconds));
        var roundTrip = unchecked((int)(arrival - block.LastSenderReport - block.DelaySinceLastSenderReport));

        // A negative or absurd value means the block answers an SR from another session or a clock jump: keep the old one.
        if (roundTrip >= 0 && roundTrip < 60 * 65536)
        {
            RoundTripTimeMilliseconds = NtpTime.CompactToMilliseconds((uint)roundTrip);
        }
    }
}
