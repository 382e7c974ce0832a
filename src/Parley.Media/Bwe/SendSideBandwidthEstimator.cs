using Parley.Media.Rtcp;

namespace Parley.Media.Bwe;

/// <summary>
/// A transport's send-side bandwidth estimate: the delay-based rate and the loss-based bound fed from transport-cc
/// feedback, combined as their minimum, capped by the receiver's REMB when it sends one, within the configured
/// bounds; probe results lift both. One instance per transport, driven by explicit timestamps from the worker's
/// thread; nothing here reads a clock, locks or allocates after construction.
/// </summary>
internal sealed class SendSideBandwidthEstimator
{
    /// <summary>A feedback packet covers at most this many packets here; libwebrtc sends one every 50–250 ms.</summary>
    public const int MaxResultsPerFeedback = 2048;

    /// <summary>
    /// Sending under this share of the delay-based rate while the path delivers what is sent (at least
    /// <see cref="DeliveredFraction"/> of it) is application-limited: an overuse then does not cut. A link that fell
    /// under what we send delivers less than we send, so a step down is still cut at once.
    /// </summary>
    public const double ApplicationLimitedFraction = 0.5;

    /// <summary>See <see cref="ApplicationLimitedFraction"/>.</summary>
    public const double DeliveredFraction = 0.8;

    /// <summary>
    /// The packets the receiver got arrived at under this share of the rate they were sent at, each rate over its newest
    /// 200 ms (<see cref="CollapseBuckets"/>): the link fell far under our rate and a queue fills, which counts as an
    /// overuse at once. The delay trend says the same, but only after enough packet groups have crossed the filling
    /// queue: 0.8–1.2 s in the browser bench when 3 Mbit/s fell to 300 kbit/s, by when the queue was full, packets were
    /// lost and the picture froze. Lost packets count on neither side (random loss is the loss-based bound's), and a
    /// receiver stamping arrivals in batches makes the arrival rate read high, never low.
    /// </summary>
    public const double CollapsedDeliveryFraction = 0.5;

    /// <summary>
    /// The window of <see cref="CollapsedDeliveryFraction"/>, in 50 ms buckets: the half-second windows of the
    /// acknowledged rate still held mostly the time before a step when the delay trend fired anyway.
    /// </summary>
    public const int CollapseBuckets = 4;

    /// <summary>
    /// After a link fell away under us the queue is full of what was sent before the fall: a new layer's keyframe waits
    /// behind it, it drains only at the link's rate less what we send (at the 0.85 × cut, a 533 ms queue takes over 3 s),
    /// and the first cuts still count arrivals from before the fall (the browser bench's read up to 135 % of the link,
    /// room for a layer the next cut took back). For this long after a collapse whose cut took the target under
    /// <see cref="FallenTargetFraction"/> of what it was, and after each collapse while that lasts,
    /// <see cref="QueueDrainShare"/> of the target is kept free of the layers above the lowest
    /// (<see cref="QueueDrainBitrate"/>). Not after a mere overshoot (a new transport's layers over a link a little
    /// under them): its first cut is about right, and the reserve only knocked a screen share down a spatial layer that
    /// it then took 8 s to climb back. Not a deeper cut of the estimate either: cut to half, it kept reading the old
    /// queue's arrivals as collapsed and spiralled to the floor in the browser bench.
    /// </summary>
    public const long QueueDrainMicroseconds = 1_000_000;

    /// <summary>See <see cref="QueueDrainMicroseconds"/>.</summary>
    public const double FallenTargetFraction = 0.5;

    /// <summary>See <see cref="QueueDrainMicroseconds"/>.</summary>
    public const double QueueDrainShare = 0.5;

    /// <summary>Under this sent rate the comparison says nothing (an audio stream, a pause).</summary>
    private const long MinCollapseSentBitrate = 100_000;

    private readonly BandwidthEstimatorOptions _options;
    private readonly SendTimeHistory _history = new();
    private readonly AcknowledgedBitrateEstimator _acknowledged = new();

    // The same over the packets outside probe clusters (a probe packet counts 0 bytes, so the window still moves):
    // what the media demonstrated, the cap of the delay-based increase (see AimdRateController.Update).
    private readonly AcknowledgedBitrateEstimator _acknowledgedMedia = new();

    // The same windowed rate over send times of every reported packet (received or not): what we offered the path.
    private readonly AcknowledgedBitrateEstimator _sent = new();

    // The same over the send times of the packets received: against _acknowledged, how much slower they arrived.
    private readonly AcknowledgedBitrateEstimator _sentOfReceived = new();
    private readonly DelayBasedEstimator _delayBased;
    private readonly LossBasedEstimator _lossBased;
    private readonly ProbeResultEvaluator _probes = new();
    private readonly ProbeController _probeController;
    private readonly PacketResult[] _results = new PacketResult[MaxResultsPerFeedback];
    private long _remb = long.MaxValue;
    private long _drainRestartedAt = long.MinValue;

    public SendSideBandwidthEstimator(BandwidthEstimatorOptions options, long nowMicroseconds)
    {
        if (options.MinBitrate <= 0 || options.MaxBitrate < options.MinBitrate)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "0 < MinBitrate <= MaxBitrate.");
        }

        _options = options;
        _delayBased = new DelayBasedEstimator(options.StartBitrate, options.MinBitrate, options.MaxBitrate);
        _lossBased = new LossBasedEstimator(options.StartBitrate, options.MinBitrate, options.MaxBitrate);
        _probeController = new ProbeController(options.MaxBitrate);
        TargetBitrate = Math.Clamp(options.StartBitrate, options.MinBitrate, options.MaxBitrate);
        _probeController.OnStart(TargetBitrate, nowMicroseconds);
    }

    /// <summary>The bitrate the transport may send, media and retransmissions together.</summary>
    public long TargetBitrate { get; private set; }

    public long DelayBasedBitrate => _delayBased.Bitrate;

    public long LossBasedBitrate => _lossBased.Bound;

    public long AcknowledgedBitrate => _acknowledged.Bitrate;

    /// <summary>What the receiver got of the packets outside probe clusters, bits per second.</summary>
    public long MediaAcknowledgedBitrate => _acknowledgedMedia.Bitrate;

    /// <summary>What we sent over the last 500 ms of reported packets (received or lost), bits per second.</summary>
    public long SentBitrate => _sent.Bitrate;

    /// <summary>Feedbacks that found the delivery collapsed (see <see cref="CollapsedDeliveryFraction"/>).</summary>
    public long DeliveryCollapses { get; private set; }

    /// <summary>What to leave unsent for the queue a fallen link filled to drain (see <see cref="QueueDrainMicroseconds"/>); 0 otherwise.</summary>
    public long QueueDrainBitrate(long nowMicroseconds) => QueueDraining(nowMicroseconds) ? (long)(TargetBitrate * QueueDrainShare) : 0;

    /// <summary>Overuses that left the estimate alone because we were sending well under it.</summary>
    public long ApplicationLimitedOveruses => _delayBased.ApplicationLimitedOveruses;

    public double LossFraction => _lossBased.LossFraction;

    public BandwidthUsage Usage => _delayBased.Usage;

    public long BytesInFlight => _history.BytesInFlight;

    /// <summary>The last probe result taken, bits per second (0 before any).</summary>
    public long LastProbeBitrate { get; private set; }

    /// <summary>When <see cref="LastProbeBitrate"/> was taken, microseconds; -1 before any.</summary>
    public long LastProbeAt { get; private set; } = -1;

    /// <summary>True when the last feedback found the sender application-limited (see <see cref="ApplicationLimitedFraction"/>).</summary>
    public bool ApplicationLimited { get; private set; }

    /// <summary>The receiver's last REMB, null when it sent none.</summary>
    public long? RembBitrate => _remb == long.MaxValue ? null : _remb;

    /// <summary>The round-trip time last given, microseconds.</summary>
    public long RoundTripTime { get; private set; } = -1;

    public string RateControlState => _delayBased.RateControlState;

    public double ScaledTrend => _delayBased.ScaledTrend;

    public double ThresholdMs => _delayBased.ThresholdMs;

    public long OveruseDecreases => _delayBased.OveruseDecreases;

    /// <summary>The link capacity estimate of the delay-based rate controller, null while none is known.</summary>
    public long? LinkCapacity => _delayBased.LinkCapacity;

    /// <summary>Three deviations above <see cref="LinkCapacity"/>, null while none is known.</summary>
    public long? LinkCapacityUpperBound => _delayBased.LinkCapacityUpperBound is var bound && bound != long.MaxValue ? bound : null;

    public long ProbeClustersPlanned => _probeController.Planned;

    /// <summary>Probe results above the link's known capacity that counted only up to it, unconfirmed (see <see cref="AimdRateController.OnProbeResult"/>).</summary>
    public long HeldProbeResults => _delayBased.HeldProbeResults;

    /// <summary>Overuses taken as a saturating probe's own queue (see <see cref="AimdRateController.OnProbeOveruse"/>).</summary>
    public long ProbeOveruses => _delayBased.ProbeOveruses;

    /// <summary>Capacities raised by two agreeing saturated probe readings (see <see cref="AimdRateController.OnSaturatedProbe"/>).</summary>
    public long SaturatedConfirmations => _delayBased.SaturatedConfirmations;

    /// <summary>Probe clusters whose intervals made no sense, so no result was taken (see <see cref="ProbeResultEvaluator.Invalid"/>).</summary>
    public long InvalidProbeClusters => _probes.Invalid;

    public SendTimeHistory History => _history;

    /// <summary>Records a packet leaving with transport-wide sequence number <paramref name="sequenceNumber"/>.</summary>
    public void OnPacketSent(ushort sequenceNumber, long sendTimeMicroseconds, int size, int probeClusterId = ProbeCluster.None)
        => _history.OnPacketSent(sequenceNumber, sendTimeMicroseconds, size, probeClusterId);

    /// <summary>The pacer started sending <paramref name="cluster"/>.</summary>
    public void OnProbeClusterStarted(in ProbeCluster cluster) => _probes.OnClusterStarted(cluster);

    /// <summary>The next probe cluster to send, if one is planned.</summary>
    public bool TryTakeProbeCluster(out ProbeCluster cluster) => _probeController.TryTake(out cluster);

    /// <summary>What the allocator would use; probing aims at it while the estimate is lower.</summary>
    public void SetDesiredBitrate(long bitrate, long nowMicroseconds)
    {
        _probeController.SetDesiredBitrate(bitrate);
        _probeController.OnEstimate(TargetBitrate, nowMicroseconds, _delayBased.LinkCapacityUpperBound);
    }

    public void OnRoundTripTime(long roundTripTimeMicroseconds)
    {
        RoundTripTime = roundTripTimeMicroseconds;
        _delayBased.SetRoundTripTime(roundTripTimeMicroseconds);
        _lossBased.SetRoundTripTime(roundTripTimeMicroseconds);
    }

    /// <summary>A receiver's REMB: from now on the target stays at or under it (a receiver-side estimate as fallback).</summary>
    public void OnRemb(ulong bitrate, long nowMicroseconds)
    {
        _remb = (long)Math.Min(bitrate, long.MaxValue);
        UpdateTarget(nowMicroseconds);
    }

    /// <summary>Processes one transport-cc feedback packet received at <paramref name="nowMicroseconds"/>; returns the new target.</summary>
    public long OnTransportFeedback(in RtcpTransportFeedback feedback, long nowMicroseconds)
    {
        var count = _history.ProcessFeedback(feedback, _results);
        if (count == 0)
        {
            return TargetBitrate;
        }

        var lost = 0;
        var invalidProbes = _probes.Invalid;
        long probe = 0;
        var probeCluster = ProbeCluster.None;
        var probeSaturated = false;
        for (var i = 0; i < count; i++)
        {
            ref readonly var result = ref _results[i];
            _sent.OnReceived(result.SendTimeMicroseconds, result.Size);
            if (!result.Received)
            {
                lost++;
                continue;
            }

            _acknowledged.OnReceived(result.ArrivalTimeMicroseconds, result.Size);
            _sentOfReceived.OnReceived(result.SendTimeMicroseconds, result.Size);
            _acknowledgedMedia.OnReceived(result.ArrivalTimeMicroseconds, result.ProbeClusterId > 0 ? 0 : result.Size);
            _delayBased.OnPacket(result);
            var measured = _probes.OnPacket(result);
            if (measured > 0)
            {
                probe = measured;
                probeCluster = result.ProbeClusterId;
                probeSaturated = _probes.LastResultSaturated;
            }
        }

        if (probe > 0)
        {
            LastProbeBitrate = probe;
            LastProbeAt = nowMicroseconds;
        }

        var sent = _sent.Bitrate;
        var acknowledged = _acknowledged.Bitrate;
        var applicationLimited = sent > 0
            && sent < _delayBased.Bitrate * ApplicationLimitedFraction
            && acknowledged >= sent * DeliveredFraction;
        ApplicationLimited = applicationLimited;
        var recentlySent = _sentOfReceived.BitrateOver(CollapseBuckets);
        var recentlyAcknowledged = _acknowledged.BitrateOver(CollapseBuckets);
        var collapsed = recentlySent >= MinCollapseSentBitrate && recentlyAcknowledged > 0 && recentlyAcknowledged < recentlySent * CollapsedDeliveryFraction;
        if (collapsed)
        {
            DeliveryCollapses++;
        }

        // A collapse cuts from what got through lately: the half-second rate still holds the time before the fall.
        var decreaseBasis = collapsed ? Math.Min(acknowledged, recentlyAcknowledged) : acknowledged;
        _delayBased.OnFeedbackEnd(decreaseBasis, new ProbeResult(probe, probeCluster, probeSaturated), applicationLimited, nowMicroseconds, _acknowledgedMedia.Bitrate, collapsed);
        if (_delayBased.ProbeFollowUpDue || _probes.Invalid > invalidProbes)
        {
            _probeController.OnInconclusiveResult(nowMicroseconds);
        }

        if (probe > 0)
        {
            // As the delay-based rate took it: a result held at the link's capacity does not lift the loss bound past it.
            _lossBased.OnProbeResult(_delayBased.LinkCapacity is { } capacity ? Math.Min(probe, capacity) : probe);
        }

        _lossBased.OnPackets(lost, count, TargetBitrate, nowMicroseconds);
        var before = TargetBitrate;
        UpdateTarget(nowMicroseconds);
        if (collapsed && (TargetBitrate < before * FallenTargetFraction || QueueDraining(nowMicroseconds)))
        {
            _drainRestartedAt = nowMicroseconds;
        }

        return TargetBitrate;
    }

    private bool QueueDraining(long nowMicroseconds) =>
        _drainRestartedAt != long.MinValue && nowMicroseconds - _drainRestartedAt < QueueDrainMicroseconds;

    private void UpdateTarget(long now)
    {
        var target = Math.Min(Math.Min(_delayBased.Bitrate, _lossBased.Bound), _remb);
        TargetBitrate = Math.Clamp(target, _options.MinBitrate, _options.MaxBitrate);
        _probeController.OnEstimate(TargetBitrate, now, _delayBased.LinkCapacityUpperBound);
    }
}
