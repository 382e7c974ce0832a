namespace Parley.Media.Bwe;

/// <summary>
/// The delay-based rate controller (draft-ietf-rmcat-gcc-02 §5.5): on overuse the rate drops to 0.85 × the
/// acknowledged bitrate and holds; on a normal reading it increases — 8 % per second while far from the link's
/// known capacity, about one packet per response time near it; underuse holds. Increases never take the rate above
/// 1.5 × what is acknowledged of the media (probe packets not counted), so an idle sender does not inflate the
/// estimate, nor, while the link's capacity is known, above its upper bound (three deviations over it): past that
/// only a confirmed probe result (which drops the capacity), two agreeing saturated ones or a media acknowledged rate
/// beyond it (which replace it) lift the estimate. An overuse under the capacity's lower bound replaces the capacity
/// instead of being averaged into it; an overuse right after a saturating probe is the probe's (see
/// <see cref="OnProbeOveruse"/>).
/// </summary>
internal sealed class AimdRateController
{
    public const double Beta = 0.85;

    /// <summary>
    /// An overuse within this long after a probe result that saturated the link is taken as the probe's own queue (see
    /// <see cref="OnProbeOveruse"/>): the browser bench saw them 200–400 ms after the result.
    /// </summary>
    public const long ProbeOveruseWindowMicroseconds = 500_000;

    /// <summary>
    /// Two saturated probe readings above the known capacity's upper bound, from different clusters within
    /// <see cref="ConfirmWindowMicroseconds"/>, that differ by at most this share confirm a higher capacity (see
    /// <see cref="OnSaturatedProbe"/>).
    /// </summary>
    public const double SaturatedAgreement = 0.15;
    private const double MultiplicativeGrowthPerSecond = 1.08;
    private const long MinIncreaseBitrate = 1_000;
    private const long MinAdditiveIncreasePerSecond = 4_000;
    private const long ResponseTimeExtraMicroseconds = 100_000;
    private const double AcknowledgedHeadroom = 1.5;
    private const long AcknowledgedExtraBitrate = 10_000;
    private const int FramesPerSecond = 30;
    private const int PacketBits = 1200 * 8;

    /// <summary>
    /// A probe result above the link's known capacity's upper bound and at least this many times the capacity and the
    /// estimate is clearly above them: two from different clusters confirm each other (see
    /// <see cref="OnProbeResult"/>). A probe through a saturated link reads the link; arrivals a starved browser
    /// stamped in batches lifted that to at most 1.4 × the capacity in the bench, while a restored link carries the
    /// cluster's whole target, twice the estimate.
    /// </summary>
    public const double ClearlyAboveFactor = 1.5;

    /// <summary>How long a result clearly above the capacity waits for a later cluster to confirm it.</summary>
    public const long ConfirmWindowMicroseconds = 5_000_000;

    private readonly long _minBitrate;
    private readonly long _maxBitrate;
    private readonly LinkCapacityEstimator _linkCapacity = new();
    private State _state = State.Increase;
    private long _lastChange = -1;
    private HeldReading _clearlyAbove;
    private int _lastHeldCluster = ProbeCluster.None;
    private long _roundTripTime = 200_000;
    private long _saturatedProbe;
    private long _saturatedProbeAt = -1;
    private bool _saturatedProbeSampled;
    private HeldReading _saturatedAbove;

    public AimdRateController(long startBitrate, long minBitrate, long maxBitrate)
    {
        _minBitrate = minBitrate;
        _maxBitrate = maxBitrate;
        Bitrate = Math.Clamp(startBitrate, minBitrate, maxBitrate);
    }

    public long Bitrate { get; private set; }

    /// <summary>Overuse decreases so far.</summary>
    public long Decreases { get; private set; }

    /// <summary>The controller's state: <c>hold</c>, <c>increase</c> or <c>decrease</c> (for stats).</summary>
    public string StateName => _state switch
    {
        State.Hold => "hold",
        State.Decrease => "decrease",
        _ => "increase",
    };

    /// <summary>True once an overuse has set the rate from measurement, not from the start value.</summary>
    public bool Initialized { get; private set; }

    public long? LinkCapacity => _linkCapacity.HasEstimate ? (long)_linkCapacity.Estimate : null;

    /// <summary>Three deviations above the link's known capacity; <see cref="long.MaxValue"/> while none is known.</summary>
    public long LinkCapacityUpperBound => _linkCapacity.HasEstimate ? (long)_linkCapacity.UpperBound : long.MaxValue;

    public void SetRoundTripTime(long roundTripTimeMicroseconds) => _roundTripTime = Math.Max(0, roundTripTimeMicroseconds);

    /// <summary>Sets the rate from a measurement (a probe), keeping the controller's state.</summary>
    public void SetEstimate(long bitrate, long nowMicroseconds)
    {
        Initialized = true;
        Bitrate = Math.Clamp(bitrate, _minBitrate, _maxBitrate);
        _lastChange = nowMicroseconds;
    }

    /// <summary>Probe results that counted only up to the link's known capacity.</summary>
    public long HeldProbeResults { get; private set; }

    /// <summary>
    /// Raises the rate to a probe cluster's result. While the link's capacity is known (overuse measured it), a
    /// result above it counts only up to it unless it is confirmed: it is clearly above the capacity and the estimate
    /// (<see cref="ClearlyAboveFactor"/>), and so was an earlier cluster's result within
    /// <see cref="ConfirmWindowMicroseconds"/>. A confirmed result counts in full and drops the capacity (the link has
    /// changed). A receiver that stamps arrivals in batches (a starved browser) makes a probe "pass" a link it
    /// overflows — 103–124 % of a 300 kbit/s link in the browser bench, at any time after the overuse, not only within
    /// seconds of it — the allocator raised a layer on it, the link overflowed and the picture froze. Such passes
    /// are sporadic and modest; a restored link reads high every time. Returns true when a new cluster's result was
    /// held above the capacity's upper bound: the next probe should follow soon, so that a restored link is confirmed
    /// within seconds.
    /// </summary>
    public bool OnProbeResult(in ProbeResult probe, long nowMicroseconds)
    {
        var followUp = false;
        var bitrate = probe.Bitrate;
        var clusterId = probe.ClusterId;
        if (_linkCapacity.HasEstimate && bitrate > _linkCapacity.Estimate)
        {
            var clearlyAbove = bitrate > _linkCapacity.UpperBound
                && bitrate >= ClearlyAboveFactor * Math.Max(_linkCapacity.Estimate, Bitrate);
            var confirms = clearlyAbove && _clearlyAbove.IsConfirmableBy(clusterId, nowMicroseconds);
            if (confirms)
            {
                _linkCapacity.Reset();
                _clearlyAbove.Clear();
            }
            else
            {
                followUp = clusterId > _lastHeldCluster && bitrate > _linkCapacity.UpperBound;
                _lastHeldCluster = Math.Max(_lastHeldCluster, clusterId);
                if (clearlyAbove && clusterId > _clearlyAbove.Cluster)
                {
                    _clearlyAbove.Hold(bitrate, clusterId, nowMicroseconds);
                }

                bitrate = (long)_linkCapacity.Estimate;
                HeldProbeResults++;
            }
        }

        if (bitrate > Bitrate)
        {
            SetEstimate(bitrate, nowMicroseconds);
        }

        return followUp;
    }

    /// <summary>Overuses taken as a saturating probe's own queue.</summary>
    public long ProbeOveruses { get; private set; }

    /// <summary>Capacities raised by two agreeing saturated probe readings (see <see cref="OnSaturatedProbe"/>).</summary>
    public long SaturatedConfirmations { get; private set; }

    /// <summary>
    /// A probe cluster's result measured on a saturated link (<see cref="ProbeResult.Saturated"/>): the link's rate then.
    /// Above the known capacity's upper bound it is held like any result (<see cref="OnProbeResult"/>), but a second
    /// cluster's saturated reading that agrees with it (<see cref="SaturatedAgreement"/>) confirms that the link carries
    /// that much: the capacity becomes the lower of the two and the rate rises to it. Saturated readings measure the link
    /// itself, so they need not be 1.5 × above it as unsaturated ones must; without this, a capacity sampled low once
    /// (an overuse while the media ramped up at 1 Mbit/s on a 1.6 Mbit/s link in the browser bench) held the estimate
    /// at 68 % of the link while every probe read 1.2–1.5 Mbit/s.
    /// </summary>
    public void OnSaturatedProbe(long bitrate, int clusterId, long nowMicroseconds)
    {
        _saturatedProbe = bitrate;
        _saturatedProbeAt = nowMicroseconds;
        _saturatedProbeSampled = false;
        if (!_linkCapacity.HasEstimate || bitrate <= _linkCapacity.UpperBound)
        {
            return;
        }

        var held = _saturatedAbove.Bitrate;
        var agrees = _saturatedAbove.IsConfirmableBy(clusterId, nowMicroseconds)
            && Math.Abs(bitrate - held) <= SaturatedAgreement * Math.Max(bitrate, held);
        if (!agrees)
        {
            _saturatedAbove.Hold(bitrate, clusterId, nowMicroseconds);
            return;
        }

        var measured = Math.Min(bitrate, held);
        _linkCapacity.Replace(measured);
        _saturatedAbove.Clear();
        SaturatedConfirmations++;
        if (measured > Bitrate)
        {
            SetEstimate(measured, nowMicroseconds);
        }
    }

    /// <summary>True within <see cref="ProbeOveruseWindowMicroseconds"/> of a saturated probe's result.</summary>
    public bool FollowsSaturatedProbe(long nowMicroseconds) =>
        _saturatedProbeAt >= 0 && nowMicroseconds - _saturatedProbeAt <= ProbeOveruseWindowMicroseconds;

    /// <summary>
    /// An overuse caused by a probe that saturated the link: the cluster was sent above the link on purpose, filled its
    /// queue for a moment and measured the link's rate. The rate goes no higher than that measurement, and the
    /// measurement, not the acknowledged rate, is the capacity's sample. The acknowledged rate is then mostly the media's,
    /// which was well under the link: in the browser bench at a 0.8 Mbit/s link every probe (reading 0.64–0.75 Mbit/s)
    /// was followed by an overuse that cut to 0.85 × 0.55–0.6 Mbit/s and sampled the capacity there, so the capacity
    /// (and the estimate held under it) sat at 0.5–0.6 Mbit/s, 66–77 % of the link. A measurement under the capacity's
    /// lower bound replaces it, as an overuse's does; one above its upper bound is no sample (a jittery or batching
    /// receiver makes some read over the link, and each such outlier widened the capacity's variance and so its upper
    /// bound, which let the estimate climb past the link): only a confirmed probe raises the capacity. The link carried at
    /// least <paramref name="acknowledgedBitrate"/>, so a reading under it (jitter on the arrivals) counts as that; and a
    /// probe is one sample, however many feedbacks its queue overuses.
    /// </summary>
    public void OnProbeOveruse(long nowMicroseconds, long acknowledgedBitrate)
    {
        var measured = Math.Max(_saturatedProbe, acknowledgedBitrate);
        if (!_saturatedProbeSampled)
        {
            _saturatedProbeSampled = true;
            if (!_linkCapacity.HasEstimate || measured <= _linkCapacity.UpperBound)
            {
                _linkCapacity.OnSample(measured);
            }
        }

        Bitrate = Math.Clamp(Math.Min(Bitrate, measured), _minBitrate, _maxBitrate);
        Initialized = true;
        ProbeOveruses++;
        _state = State.Hold;
        _lastChange = nowMicroseconds;
        _clearlyAbove.Clear();
    }

    /// <summary>
    /// Whether another decrease is due: at most one per round trip (bounded to 10–200 ms), unless what is
    /// acknowledged has fallen under half the rate.
    /// </summary>
    public bool TimeToReduceFurther(long nowMicroseconds, long acknowledgedBitrate)
    {
        var interval = Math.Clamp(_roundTripTime, 10_000, 200_000);
        return _lastChange < 0
            || nowMicroseconds - _lastChange >= interval
            || (Initialized && acknowledgedBitrate < Bitrate / 2);
    }

    /// <summary>
    /// Moves the rate by the detector's reading. <paramref name="acknowledgedBitrate"/> (everything the receiver got)
    /// is the basis of a decrease; increases stop at 1.5 × <paramref name="mediaAcknowledgedBitrate"/> + 10 kbit/s
    /// (what it got outside probe clusters; -1: the same). A probe's packets must not lift that cap: each probe of an
    /// application-limited sender (the lowest layer at a 300 kbit/s link, half the link sent) raised the acknowledged
    /// rate for a moment, the rate climbed to 1.5 × it and held there, and the estimate ratcheted past the link probe
    /// by probe with nothing sent to overuse it (the browser bench: 107 % of the link). A probe's result, when it
    /// passes, raises the rate by itself. While the link's capacity is known the increase also stops at its upper
    /// bound: a sender limited just under the link (the top layer all the encoder makes) never overuses, and at
    /// 1.5 × acknowledged the estimate reached 144 % of a 0.8 Mbit/s link (the browser bench), the allocator kept a
    /// layer that filled the link and its queue grew until an overuse 40 s later.
    /// </summary>
    public long Update(BandwidthUsage usage, long acknowledgedBitrate, long nowMicroseconds, long mediaAcknowledgedBitrate = -1)
    {
        _state = (usage, _state) switch
        {
            (BandwidthUsage.Overusing, _) => State.Decrease,
            (BandwidthUsage.Underusing, _) => State.Hold,
            (BandwidthUsage.Normal, State.Hold) => State.Increase,
            (BandwidthUsage.Normal, State.Decrease) => State.Hold,
            _ => _state,
        };

        var next = Bitrate;
        switch (_state)
        {
            case State.Increase:
                next = Increased(acknowledgedBitrate, mediaAcknowledgedBitrate < 0 ? acknowledgedBitrate : mediaAcknowledgedBitrate, nowMicroseconds);
                _lastChange = nowMicroseconds;
                break;
            case State.Decrease:
                next = Decreased(acknowledgedBitrate);

                // An overuse far under the known capacity replaces it (LinkCapacityEstimator.OnSample): averaged in at
                // 5 %, the capacity stayed at 524 kbit/s for the 30 s at a 300 kbit/s link in the browser bench, and
                // probe results held at it were held at nothing.
                if (acknowledgedBitrate > 0)
                {
                    _linkCapacity.OnSample(acknowledgedBitrate);
                }
                else
                {
                    _linkCapacity.OnOveruse(Bitrate);
                }
                Initialized = true;
                Decreases++;
                _state = State.Hold;
                _lastChange = nowMicroseconds;

                // A result held before this overuse is not confirmed by one after it: the link is still where it was.
                _clearlyAbove.Clear();
                _saturatedAbove.Clear();
                break;
        }

        Bitrate = Math.Clamp(next, _minBitrate, _maxBitrate);
        return Bitrate;
    }

    private long Increased(long acknowledged, long mediaAcknowledged, long now)
    {
        // The media's rate, not one with probe packets in it: what the link carried of a probe is the probe's result,
        // which must be confirmed before it moves the capacity (see OnProbeResult). The link carries at least what the
        // media got through, so that replaces a capacity it passed. Dropped instead, the capacity no longer bounded the
        // increase: after the bench's halving the last overuse sampled 546 kbit/s while the rate fell, the media's
        // 600 kbit/s passed it, and the estimate climbed to 1.5 × that, 104 % of the 0.8 Mbit/s link, and raised a
        // layer that overflowed it.
        if (mediaAcknowledged > 0 && _linkCapacity.HasEstimate && mediaAcknowledged > _linkCapacity.UpperBound)
        {
            _linkCapacity.Replace(mediaAcknowledged);
        }

        var elapsed = _lastChange < 0 ? 0 : Math.Min(now - _lastChange, 1_000_000);
        long increase;
        if (_linkCapacity.HasEstimate)
        {
            var responseTime = _roundTripTime + ResponseTimeExtraMicroseconds;
            var bitsPerFrame = Bitrate / (double)FramesPerSecond;
            var packetsPerFrame = Math.Ceiling(bitsPerFrame / PacketBits);
            var packetBits = bitsPerFrame / packetsPerFrame;
            var perSecond = Math.Max(MinAdditiveIncreasePerSecond, packetBits * 1_000_000 / responseTime);
            increase = (long)(perSecond * elapsed / 1_000_000);
        }
        else
        {
            var alpha = Math.Pow(MultiplicativeGrowthPerSecond, elapsed / 1_000_000.0);
            increase = Math.Max((long)(Bitrate * (alpha - 1)), elapsed > 0 ? MinIncreaseBitrate : 0);
        }

        var next = Bitrate + increase;
        if (acknowledged > 0)
        {
            var limit = (long)(mediaAcknowledged * AcknowledgedHeadroom) + AcknowledgedExtraBitrate;
            if (_linkCapacity.HasEstimate)
            {
                limit = Math.Min(limit, (long)_linkCapacity.UpperBound);
            }

            if (next > limit)
            {
                next = Math.Max(Bitrate, limit);
            }
        }

        return next;
    }

    private long Decreased(long acknowledged)
    {
        var basis = acknowledged > 0 ? acknowledged : Bitrate;
        var decreased = (long)(Beta * basis);
        if (decreased > Bitrate && _linkCapacity.HasEstimate)
        {
            decreased = (long)(Beta * _linkCapacity.Estimate);
        }

        return Math.Min(decreased, Bitrate);
    }

    private enum State
    {
        Hold,
        Increase,
        Decrease,
    }

    /// <summary>A probe reading held above the capacity until a later cluster's reading confirms it.</summary>
    private struct HeldReading
    {
        public long Bitrate;
        public int Cluster;
        public long At;

        /// <summary>Whether a reading of <paramref name="cluster"/> now may confirm this one: held, from a later cluster, within the window.</summary>
        public readonly bool IsConfirmableBy(int cluster, long now) =>
            Cluster > 0 && cluster > Cluster && now - At <= ConfirmWindowMicroseconds;

        public void Hold(long bitrate, int cluster, long now)
        {
            Bitrate = bitrate;
            Cluster = cluster;
            At = now;
        }

        public void Clear() => Cluster = ProbeCluster.None;
    }
}
