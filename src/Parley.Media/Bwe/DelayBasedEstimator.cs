namespace Parley.Media.Bwe;

/// <summary>
/// The delay-based half of the estimator: packets from each feedback go through the inter-arrival grouper, the
/// trendline filter and the overuse detector; once per feedback the AIMD controller moves the rate by the reading.
/// An overuse anywhere in a feedback counts (a short queue spike between two reports must not be missed).
/// </summary>
internal sealed class DelayBasedEstimator
{
    private readonly InterArrivalGrouper _grouper = new();
    private readonly TrendlineEstimator _trendline = new();
    private readonly OveruseDetector _detector = new();
    private readonly AimdRateController _rate;
    private BandwidthUsage _feedbackUsage;
    private bool _sawOveruse;

    public DelayBasedEstimator(long startBitrate, long minBitrate, long maxBitrate)
    {
        _rate = new AimdRateController(startBitrate, minBitrate, maxBitrate);
    }

    public long Bitrate => _rate.Bitrate;

    public BandwidthUsage Usage => _detector.State;

    public double ThresholdMs => _detector.ThresholdMs;

    public double ScaledTrend => _detector.ScaledTrend;

    public string RateControlState => _rate.StateName;

    public long OveruseDecreases => _rate.Decreases;

    public long? LinkCapacity => _rate.LinkCapacity;

    public long LinkCapacityUpperBound => _rate.LinkCapacityUpperBound;

    public void SetRoundTripTime(long roundTripTimeMicroseconds) => _rate.SetRoundTripTime(roundTripTimeMicroseconds);

    /// <summary>Feeds one received packet, in sequence order within a feedback.</summary>
    public void OnPacket(in PacketResult packet)
    {
        if (!packet.Received)
        {
            return;
        }

        if (_grouper.TryAdd(packet.SendTimeMicroseconds, packet.ArrivalTimeMicroseconds, packet.Size, out var sendDelta, out var arrivalDelta))
        {
            _trendline.Update(sendDelta, arrivalDelta, packet.ArrivalTimeMicroseconds);
            _feedbackUsage = _detector.Detect(_trendline.Trend, _trendline.DeltaCount, sendDelta, packet.ArrivalTimeMicroseconds);
            _sawOveruse |= _feedbackUsage == BandwidthUsage.Overusing;
        }
    }

    /// <summary>Overuses ignored because the sender was far under the estimate (see <see cref="OnFeedbackEnd"/>).</summary>
    public long ApplicationLimitedOveruses { get; private set; }

    /// <summary>Overuses taken as a saturating probe's own queue (see <see cref="AimdRateController.OnProbeOveruse"/>).</summary>
    public long ProbeOveruses => _rate.ProbeOveruses;

    /// <summary>Capacities raised by two agreeing saturated probe readings (see <see cref="AimdRateController.OnSaturatedProbe"/>).</summary>
    public long SaturatedConfirmations => _rate.SaturatedConfirmations;

    /// <summary>Probe results that counted only up to the link's known capacity (see <see cref="AimdRateController.OnProbeResult"/>).</summary>
    public long HeldProbeResults => _rate.HeldProbeResults;

    /// <summary>True when the last feedback's probe result was held at the link's capacity and the next probe should follow soon.</summary>
    public bool ProbeFollowUpDue { get; private set; }

    /// <summary>
    /// Ends a feedback: updates the rate from what the detector saw, or from <paramref name="probe"/> (a cluster's
    /// measured rate, 0 when none) when the path is not overused and the probe found more than the estimate.
    /// When <paramref name="applicationLimited"/> (we sent well under the estimate, e.g. only audio while the video
    /// is paused), an overuse leaves the rate alone: the acknowledged rate is then what we chose to send, not what
    /// the path carries, and cutting to 0.85 × it on each feedback would take the estimate to the floor in a quiet
    /// period (libwebrtc likewise keeps its estimate while application-limited). Loss still bounds the target.
    /// <paramref name="deliveryCollapsed"/> (the receiver got under half of what we sent) counts as an overuse. An
    /// overuse right after a probe that saturated the link is the probe's own queue (see
    /// <see cref="AimdRateController.OnProbeOveruse"/>).
    /// </summary>
    public long OnFeedbackEnd(
        long acknowledgedBitrate, in ProbeResult probe, bool applicationLimited, long nowMicroseconds, long mediaAcknowledgedBitrate = -1, bool deliveryCollapsed = false)
    {
        ProbeFollowUpDue = false;
        if (probe.Saturated && probe.Bitrate > 0)
        {
            _rate.OnSaturatedProbe(probe.Bitrate, probe.ClusterId, nowMicroseconds);
        }

        var usage = _sawOveruse || deliveryCollapsed ? BandwidthUsage.Overusing : _feedbackUsage;
        _sawOveruse = false;
        if (usage == BandwidthUsage.Overusing && applicationLimited)
        {
            ApplicationLimitedOveruses++;
        }
        else if (usage == BandwidthUsage.Overusing && !deliveryCollapsed && _rate.FollowsSaturatedProbe(nowMicroseconds))
        {
            _rate.OnProbeOveruse(nowMicroseconds, acknowledgedBitrate);
        }
        else if (usage == BandwidthUsage.Overusing)
        {
            if (_rate.TimeToReduceFurther(nowMicroseconds, acknowledgedBitrate))
            {
                _rate.Update(usage, acknowledgedBitrate, nowMicroseconds);
            }
        }
        else if (probe.Bitrate > _rate.Bitrate)
        {
            ProbeFollowUpDue = _rate.OnProbeResult(probe, nowMicroseconds);
        }
        else
        {
            _rate.Update(usage, acknowledgedBitrate, nowMicroseconds, mediaAcknowledgedBitrate);
        }

        return _rate.Bitrate;
    }
}
