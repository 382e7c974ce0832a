using System.Buffers.Binary;
using System.Diagnostics;
using Parley.Media.Bwe;
using Parley.Media.Ortc;
using Parley.Media.Pacing;
using Parley.Media.Rtc;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;

namespace Parley.Media.Transports;

/// <summary>
/// A WebRTC transport's outgoing bandwidth: every RTP packet of a consumer that negotiated transport-wide-cc-01
/// leaves with the transport's next transport-wide sequence number, its send time and size go into the estimator's
/// history, and the receiver's transport-cc feedback (or, without transport-cc, its REMB) moves the estimate.
/// Owned by the transport's worker thread: no lock; nothing allocated per packet.
/// </summary>
internal sealed class SendSideBandwidthControl
{
    private readonly Dictionary<uint, byte> _transportCcIdBySsrc = [];
    private readonly long _origin = Stopwatch.GetTimestamp();
    private byte[]? _scratch;
    private ushort _nextSequence;
    private long _remb;

    public SendSideBandwidthControl(BandwidthEstimatorOptions options)
    {
        Estimator = new SendSideBandwidthEstimator(options, 0);
    }

    public SendSideBandwidthEstimator Estimator { get; }

    /// <summary>True while a consumer of the transport sends the transport-wide-cc extension.</summary>
    public bool UsesTransportCc => _transportCcIdBySsrc.Count > 0;

    /// <summary>Transport-cc feedback packets taken.</summary>
    public long FeedbackReceived { get; private set; }

    /// <summary>Transport-cc feedback packets that did not parse.</summary>
    public long FeedbackMalformed { get; private set; }

    /// <summary>REMB packets taken.</summary>
    public long RembReceived { get; private set; }

    /// <summary>
    /// The bitrate the transport may send: the send-side estimate when transport-cc is negotiated; otherwise the
    /// receiver's last REMB, if any (null: no estimate runs).
    /// </summary>
    public long? AvailableBitrate => UsesTransportCc ? Estimator.TargetBitrate : _remb > 0 ? _remb : null;

    /// <summary>Microseconds on the estimator's clock.</summary>
    public long NowMicroseconds => (long)Stopwatch.GetElapsedTime(_origin).TotalMicroseconds;

    /// <summary>A consumer was added: its SSRCs carry the extension when its parameters negotiated it.</summary>
    public void AddSsrcs(RtpParameters parameters, uint ssrc, uint? rtxSsrc)
    {
        var extension = parameters.HeaderExtensions.FirstOrDefault(e => e.Uri == RtpHeaderExtensionUris.TransportWideCcDraft01);
        if (extension is not { Id: > 0 and <= 255 })
        {
            return;
        }

        _transportCcIdBySsrc[ssrc] = (byte)extension.Id;
        if (rtxSsrc is { } rtx)
        {
            _transportCcIdBySsrc[rtx] = (byte)extension.Id;
        }
    }

    /// <summary>True when packets of <paramref name="ssrc"/> carry the transport-wide sequence number.</summary>
    public bool Stamps(uint ssrc) => _transportCcIdBySsrc.ContainsKey(ssrc);

    public void RemoveSsrcs(uint ssrc, uint? rtxSsrc)
    {
        _transportCcIdBySsrc.Remove(ssrc);
        if (rtxSsrc is { } rtx)
        {
            _transportCcIdBySsrc.Remove(rtx);
        }
    }

    /// <summary>
    /// The packet to send: a copy stamped with the next transport-wide sequence number when its SSRC negotiated the
    /// extension (<paramref name="stamped"/> true; commit with <see cref="OnSent"/>), else the packet itself.
    /// </summary>
    public ReadOnlySpan<byte> Stamp(ReadOnlySpan<byte> packet, out bool stamped)
    {
        stamped = false;
        if (_transportCcIdBySsrc.Count == 0 || packet.Length < RtpPacket.FixedHeaderLength
            || !_transportCcIdBySsrc.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(packet[8..]), out var id))
        {
            return packet;
        }

        _scratch ??= GC.AllocateUninitializedArray<byte>(Routing.PacketBufferPool.BufferLength + TransportWideSequenceWriter.MaxGrowth, pinned: true);
        if (!TransportWideSequenceWriter.TryWrite(packet, id, _nextSequence, _scratch, out var written))
        {
            return packet;
        }

        stamped = true;
        return _scratch.AsSpan(0, written);
    }

    /// <summary>A stamped packet of <paramref name="size"/> bytes left: its sequence number is used and its send time recorded.</summary>
    public void OnSent(int size, int probeClusterId = ProbeCluster.None)
    {
        Estimator.OnPacketSent(_nextSequence, NowMicroseconds, size, probeClusterId);
        _nextSequence++;
    }

    /// <summary>Takes one RTPFB FMT 15 packet from the receiver; false when it did not parse (counted).</summary>
    public bool OnTransportFeedback(ReadOnlySpan<byte> packet)
    {
        if (!RtcpTransportFeedback.TryParse(packet, out var feedback))
        {
            FeedbackMalformed++;
            return false;
        }

        FeedbackReceived++;
        Estimator.OnTransportFeedback(feedback, NowMicroseconds);
        return true;
    }

    /// <summary>A REMB from the receiver: the estimate when transport-cc is not negotiated, a cap on it when it is.</summary>
    public void OnRemb(ulong bitrate)
    {
        RembReceived++;
        _remb = (long)Math.Min(bitrate, long.MaxValue);
        if (UsesTransportCc)
        {
            Estimator.OnRemb(bitrate, NowMicroseconds);
        }
    }

    /// <summary>The estimator's parts and the pacer's queue, while the send-side estimate runs (transport-cc); else null.</summary>
    public BandwidthEstimationStats? CreateStats(PacedSender pacing)
    {
        if (!UsesTransportCc)
        {
            return null;
        }

        var now = NowMicroseconds;
        var estimator = Estimator;
        return new BandwidthEstimationStats
        {
            TargetBitrate = estimator.TargetBitrate,
            DelayBasedBitrate = estimator.DelayBasedBitrate,
            LossBasedBitrate = estimator.LossBasedBitrate,
            RembBitrate = estimator.RembBitrate,
            AcknowledgedBitrate = estimator.AcknowledgedBitrate,
            MediaAcknowledgedBitrate = estimator.MediaAcknowledgedBitrate,
            SentBitrate = estimator.SentBitrate,
            LossFraction = estimator.LossFraction,
            Usage = estimator.Usage.ToString().ToLowerInvariant(),
            RateControlState = estimator.RateControlState,
            ScaledTrend = estimator.ScaledTrend,
            ThresholdMs = estimator.ThresholdMs,
            ApplicationLimited = estimator.ApplicationLimited,
            ApplicationLimitedOveruses = estimator.ApplicationLimitedOveruses,
            OveruseDecreases = estimator.OveruseDecreases,
            LinkCapacity = estimator.LinkCapacity,
            LinkCapacityUpperBound = estimator.LinkCapacityUpperBound,
            LastProbeBitrate = estimator.LastProbeBitrate,
            LastProbeAgeMs = estimator.LastProbeAt < 0 ? null : (now - estimator.LastProbeAt) / 1000,
            ProbeClustersPlanned = estimator.ProbeClustersPlanned,
            InvalidProbeClusters = estimator.InvalidProbeClusters,
            HeldProbeResults = estimator.HeldProbeResults,
            ProbeOveruses = estimator.ProbeOveruses,
            SaturatedConfirmations = estimator.SaturatedConfirmations,
            DeliveryCollapses = estimator.DeliveryCollapses,
            ProbePacketsSent = pacing.ProbePackets,
            RoundTripTimeMs = estimator.RoundTripTime < 0 ? 0 : estimator.RoundTripTime / 1000.0,
            BytesInFlight = estimator.BytesInFlight,
            FeedbackReceived = FeedbackReceived,
            PacingBitrate = pacing.PacingBitrate,
            PacerQueuedPackets = pacing.QueuedPackets,
            PacerQueuedBytes = pacing.QueuedBytes,
            PacerQueueDelayMs = pacing.QueueTime(now) / 1000.0,
            Probing = pacing.Probing,
        };
    }

    /// <summary>A round-trip time measured from a receiver report.</summary>
    public void OnRoundTripTime(double milliseconds)
    {
        if (milliseconds > 0)
        {
            Estimator.OnRoundTripTime((long)(milliseconds * 1000));
        }
    }
}
