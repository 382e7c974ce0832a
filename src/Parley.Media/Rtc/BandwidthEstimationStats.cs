namespace Parley.Media.Rtc;

/// <summary>
/// The parts of a WebRTC transport's send-side bandwidth estimate and of its pacer, for diagnosis
/// (<see cref="TransportStats.BandwidthEstimation"/>): what each part of the estimator says now, so that a bench or an
/// operator can see which one sets the target and why. Rates in bits per second, times in milliseconds.
/// </summary>
public sealed record BandwidthEstimationStats
{
    /// <summary>The target the transport sends at: min(delay-based rate, loss-based bound, REMB), within the configured bounds.</summary>
    public long TargetBitrate { get; init; }

    /// <summary>The delay-based (AIMD) rate.</summary>
    public long DelayBasedBitrate { get; init; }

    /// <summary>The bound loss allows.</summary>
    public long LossBasedBitrate { get; init; }

    /// <summary>The receiver's last REMB when it sends one (a cap on the target), else null.</summary>
    public long? RembBitrate { get; init; }

    /// <summary>What the receiver got over the last 500 ms of arrival times.</summary>
    public long AcknowledgedBitrate { get; init; }

    /// <summary>Of <see cref="AcknowledgedBitrate"/>, what was not probe packets: the delay-based increase stops at 1.5 × it + 10 kbit/s.</summary>
    public long MediaAcknowledgedBitrate { get; init; }

    /// <summary>What was sent over the last 500 ms of send times of reported packets (received or lost).</summary>
    public long SentBitrate { get; init; }

    /// <summary>The loss fraction of the last complete loss report, 0–1.</summary>
    public double LossFraction { get; init; }

    /// <summary>The overuse detector's reading: <c>normal</c>, <c>overusing</c> or <c>underusing</c>.</summary>
    public string Usage { get; init; } = "normal";

    /// <summary>The rate controller's state: <c>hold</c>, <c>increase</c> or <c>decrease</c>.</summary>
    public string RateControlState { get; init; } = "increase";

    /// <summary>The delay trend (ms of delay per ms), scaled as the detector compares it with its threshold.</summary>
    public double ScaledTrend { get; init; }

    /// <summary>The detector's adaptive threshold, ms.</summary>
    public double ThresholdMs { get; init; }

    /// <summary>True when the last feedback found the sender application-limited (sending well under the delay-based rate).</summary>
    public bool ApplicationLimited { get; init; }

    /// <summary>Overuses that left the rate alone because the sender was application-limited, so far.</summary>
    public long ApplicationLimitedOveruses { get; init; }

    /// <summary>Overuse decreases of the delay-based rate so far.</summary>
    public long OveruseDecreases { get; init; }

    /// <summary>The link capacity estimate (the acknowledged rate where overuse was seen, averaged), null while none is known.</summary>
    public long? LinkCapacity { get; init; }

    /// <summary>Three deviations above <see cref="LinkCapacity"/>, null while none is known.</summary>
    public long? LinkCapacityUpperBound { get; init; }

    /// <summary>The last probe cluster's measured rate, 0 before any.</summary>
    public long LastProbeBitrate { get; init; }

    /// <summary>Milliseconds since the last probe result was taken, null before any.</summary>
    public long? LastProbeAgeMs { get; init; }

    /// <summary>Probe clusters planned so far.</summary>
    public long ProbeClustersPlanned { get; init; }

    /// <summary>Probe clusters that gave no result because their timing made no sense (e.g. received over twice as fast as sent).</summary>
    public long InvalidProbeClusters { get; init; }

    /// <summary>Probe results above the link's known capacity that counted only up to it, unconfirmed by a second cluster.</summary>
    public long HeldProbeResults { get; init; }

    /// <summary>Overuses taken as the queue of a probe that saturated the link: the rate kept at the probe's reading, not cut.</summary>
    public long ProbeOveruses { get; init; }

    /// <summary>Times two agreeing saturated probe readings above the known capacity raised it.</summary>
    public long SaturatedConfirmations { get; init; }

    /// <summary>Feedbacks that found the delivery collapsed (the receiver got under half of what was sent over 200 ms), each an overuse.</summary>
    public long DeliveryCollapses { get; init; }

    /// <summary>Probe packets sent so far (padding or RTX copies made for a cluster).</summary>
    public long ProbePacketsSent { get; init; }

    /// <summary>The round-trip time the estimator uses, ms.</summary>
    public double RoundTripTimeMs { get; init; }

    /// <summary>Bytes sent and not yet reported by feedback.</summary>
    public long BytesInFlight { get; init; }

    /// <summary>Transport-cc feedback packets taken.</summary>
    public long FeedbackReceived { get; init; }

    /// <summary>The pacer's base rate (<c>2.5 ×</c> the target), 0 when nothing is paced.</summary>
    public long PacingBitrate { get; init; }

    /// <summary>Packets waiting in the pacer.</summary>
    public int PacerQueuedPackets { get; init; }

    /// <summary>Bytes waiting in the pacer.</summary>
    public long PacerQueuedBytes { get; init; }

    /// <summary>How long the oldest waiting packet has waited, ms (0 when none waits).</summary>
    public double PacerQueueDelayMs { get; init; }

    /// <summary>True while a probe cluster is being sent.</summary>
    public bool Probing { get; init; }
}
