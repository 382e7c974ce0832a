namespace Parley.Media.Bwe;

/// <summary>
/// The delay-based rate controller (draft-ietf-rmcat-gcc-02 §5.5): on overuse the rate drops to 0.85 × the
/// acknowledged bitrate and holds; on a normal reading it increases — 8 % per second while far from the link's
/// known capacity, about one packet per response time near it; underuse holds. Increases never take the rate above
/// 1.5 × what is acknowledged of the media (probe packets not counted), so an idle sender does not inflate the
/// estimate, nor, while the link's capacity is known, above its upper bound (three deviations over it): past that
/// only a probe's result or an acknowledged rate beyond it (which resets the capacity) lifts the estimate.
/// </summary>
internal sealed class AimdRateController
{
    public const double Beta = 0.85;
    private const double MultiplicativeGrowthPerSecond = 1.08;
    private const long MinIncreaseBitrate = 1_000;
    private const long MinAdditiveIncreasePerSecond = 4_000;
    private const long ResponseTimeExtraMicroseconds = 100_000;
    private const double AcknowledgedHeadroom = 1.5;
    private const long AcknowledgedExtraBitrate = 10_000;
    private const int FramesPerSecond = 30;
    private const int PacketBits = 1200 * 8;

    /// <summary>See <see cref="OnProbeResult"/>.</summary>
    public const long ProbeCapMicroseconds = 3_000_000;

    private readonly long _minBitrate;
    private readonly long _maxBitrate;
    private readonly LinkCapacityEstimator _linkCapacity = new();
    private State _state = State.Increase;
    private long _lastChange = -1;
    private long _lastDecrease = -1;
    private long _roundTripTime = 200_000;

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

    /// <summary>
    /// Raises the rate to a probe's result. Within <see cref="ProbeCapMicroseconds"/> of an overuse decrease the
    /// result counts only up to the link's known capacity + 3 deviations: a receiver that stamps arrivals in batches
    /// (a starved browser) makes a probe at twice the estimate "pass" a link it overflows, the layers raised on it
    /// overflow the link again, and each failed upgrade lengthens the allocator's hold (the browser bench at
    /// 300 kbit/s: 220 → 440 kbit/s, a raise, a cut, recovery 21 s instead of 4). After that time a probe is taken
    /// as it is, so a restored link is found.
    /// </summary>
    public void OnProbeResult(long bitrate, long nowMicroseconds)
    {
        if (_linkCapacity.HasEstimate && _lastDecrease >= 0 && nowMicroseconds - _lastDecrease < ProbeCapMicroseconds)
        {
            bitrate = Math.Min(bitrate, (long)_linkCapacity.UpperBound);
        }

        if (bitrate > Bitrate)
        {
            SetEstimate(bitrate, nowMicroseconds);
        }
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
                _linkCapacity.OnOveruse(acknowledgedBitrate > 0 ? acknowledgedBitrate : Bitrate);
                Initialized = true;
                Decreases++;
                _state = State.Hold;
                _lastChange = nowMicroseconds;
                _lastDecrease = nowMicroseconds;
                break;
        }

        Bitrate = Math.Clamp(next, _minBitrate, _maxBitrate);
        return Bitrate;
    }

    private long Increased(long acknowledged, long mediaAcknowledged, long now)
    {
        if (acknowledged > 0 && _linkCapacity.HasEstimate && acknowledged > _linkCapacity.UpperBound)
        {
            _linkCapacity.Reset();
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
}
