using Parley.Media.Rtcp;
using Parley.Media.Rtp;

namespace Parley.Media.Rtc;

/// <summary>
/// Reception statistics of one incoming RTP stream (RFC 3550 appendix A.3 loss, A.8 jitter) and the report block
/// an RR about it carries (§6.4.1). Owned by one worker thread; every update is allocation-free.
/// </summary>
internal sealed class ReceiveStreamStatistics
{
    private ExtendedSequenceTracker _sequence;
    private long _validReceived;
    private long _expectedPrior;
    private long _receivedPrior;
    private bool _hasTransit;
    private int _lastTransit;
    private long _jitterQ4; // RFC 3550 A.8: jitter scaled by 16 to keep the fraction in integer arithmetic
    private long _lastSenderReportAtMilliseconds;

    /// <summary>Creates the statistics of <paramref name="ssrc"/>, an RTP clock of <paramref name="clockRate"/> Hz.</summary>
    public ReceiveStreamStatistics(uint ssrc, uint clockRate)
    {
        ArgumentOutOfRangeException.ThrowIfZero(clockRate);
        Ssrc = ssrc;
        ClockRate = clockRate;
    }

    /// <summary>The stream's SSRC on the wire (set once a RID-only stream's first packet binds it).</summary>
    public uint Ssrc { get; set; }

    public uint ClockRate { get; }

    /// <summary>Every packet fed, duplicates and retransmissions included.</summary>
    public long PacketCount { get; private set; }

    /// <summary>Bytes of every packet fed.</summary>
    public long ByteCount { get; private set; }

    /// <summary>Packets fed with <c>isRetransmission</c> set.</summary>
    public long RetransmittedPacketCount { get; private set; }

    /// <summary>Extended highest sequence number received; 0 before the stream is validated.</summary>
    public uint ExtendedHighestSequence => _sequence.IsValid ? _sequence.ExtendedHighest : 0;

    /// <summary>Packets expected since validation: extended highest minus base plus one (A.3).</summary>
    public long ExpectedPackets => _sequence.IsValid ? (long)_sequence.ExtendedHighest - _sequence.ExtendedBase + 1 : 0;

    /// <summary>Packets received since validation, duplicates counted (as the RFC does).</summary>
    public long ReceivedPackets => _validReceived;

    /// <summary>Cumulative number of packets lost (A.3); negative when duplicates outnumber losses.</summary>
    public long PacketsLost => ExpectedPackets - _validReceived;

    /// <summary>Fraction lost in the last report interval, in 1/256 as the report block carries it.</summary>
    public byte FractionLost { get; private set; }

    /// <summary>Interarrival jitter in RTP timestamp units (A.8).</summary>
    public uint Jitter => (uint)(_jitterQ4 >> 4);

    /// <summary>Middle 32 bits of the NTP timestamp of the last SR received (LSR), 0 before any.</summary>
    public uint LastSenderReport { get; private set; }

    /// <summary>NTP timestamp of the last SR received, for lip sync; 0 before any.</summary>
    public ulong LastSenderReportNtp { get; private set; }

    /// <summary>RTP timestamp that last SR maps to its NTP time.</summary>
    public uint LastSenderReportRtpTimestamp { get; private set; }

    /// <summary>
    /// Feeds one received packet: its sequence number, RTP timestamp and size in bytes, and the arrival time.
    /// A retransmission (unwrapped RTX) counts toward loss but not jitter, since its delay is the repair's.
    /// </summary>
    public void OnPacket(ushort sequenceNumber, uint rtpTimestamp, int length, long nowMilliseconds, bool isRetransmission = false)
    {
        PacketCount++;
        ByteCount += length;
        if (isRetransmission)
        {
            RetransmittedPacketCount++;
        }

        var wasValid = _sequence.IsValid;
        var baseBefore = _sequence.ExtendedBase;
        if (_sequence.Update(sequenceNumber))
        {
            // Validation, or a confirmed restart of the sender's numbering, starts the count afresh (A.1 init_seq).
            if (!wasValid || _sequence.ExtendedBase != baseBefore)
            {
                _validReceived = 0;
                _expectedPrior = 0;
                _receivedPrior = 0;
            }

            _validReceived++;
        }

        if (!isRetransmission)
        {
            UpdateJitter(rtpTimestamp, nowMilliseconds);
        }
    }

    /// <summary>Remembers an SR from this source so the next report block carries LSR and DLSR.</summary>
    public void OnSenderReport(ulong ntpTimestamp, uint rtpTimestamp, long nowMilliseconds)
    {
        LastSenderReportNtp = ntpTimestamp;
        LastSenderReportRtpTimestamp = rtpTimestamp;
        LastSenderReport = NtpTime.ToCompact(ntpTimestamp);
        _lastSenderReportAtMilliseconds = nowMilliseconds;
    }

    /// <summary>
    /// Builds the report block for an RR sent now and starts a new interval for the fraction lost. Cumulative loss
    /// is clamped to the signed 24 bits the block holds.
    /// </summary>
    public RtcpReportBlock CreateReportBlock(long nowMilliseconds)
    {
        var expected = ExpectedPackets;
        var expectedInterval = expected - _expectedPrior;
        var receivedInterval = _validReceived - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _validReceived;
        var lostInterval = expectedInterval - receivedInterval;
        FractionLost = expectedInterval <= 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);

        var delay = LastSenderReport == 0 ? 0 : NtpTime.MillisecondsToCompact(nowMilliseconds - _lastSenderReportAtMilliseconds);
        return new RtcpReportBlock(
            Ssrc,
            FractionLost,
            (int)Math.Clamp(PacketsLost, RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost),
            ExtendedHighestSequence,
            Jitter,
            LastSenderReport,
            delay);
    }

    /// <summary>Writes <see cref="CreateReportBlock"/> into <paramref name="destination"/> (24 bytes).</summary>
    public bool TryWriteReportBlock(Span<byte> destination, long nowMilliseconds) =>
        destination.Length >= RtcpReportBlock.Size && CreateReportBlock(nowMilliseconds).TryWrite(destination);

    private void UpdateJitter(uint rtpTimestamp, long nowMilliseconds)
    {
        // Arrival time in RTP units; both sides wrap at 2^32, and the difference of differences is what counts.
        var arrival = (uint)(nowMilliseconds * ClockRate / 1000);
        var transit = unchecked((int)(arrival - rtpTimestamp));
        if (!_hasTransit)
        {
            _hasTransit = true;
            _lastTransit = transit;
            return;
        }

        var difference = Math.Abs((long)unchecked(transit - _lastTransit));
        _lastTransit = transit;
        _jitterQ4 += difference - ((_jitterQ4 + 8) >> 4);
    }
}
