namespace Parley.Media.Bwe;

/// <summary>
/// The loss-based bound (draft-ietf-rmcat-gcc-02 §6): once at least 20 packets have been reported, a loss fraction
/// under 2 % lets the bound grow 8 % a second above the current target; 2–10 % holds it at the target; over 10 %
/// cuts it to target × (1 − loss / 2), at most once per round trip plus 300 ms so that one burst of losses is not
/// punished twice.
/// </summary>
internal sealed class LossBasedEstimator
{
    public const double LowLoss = 0.02;
    public const double HighLoss = 0.10;
    public const int MinPacketsPerReport = 20;
    private const double GrowthPerSecond = 0.08;
    private const long GrowthExtraBitrate = 1_000;
    private const long DecreaseExtraMicroseconds = 300_000;

    private readonly long _minBitrate;
    private readonly long _maxBitrate;
    private int _lost;
    private int _expected;
    private long _lastIncrease = -1;
    private long _lastDecrease = -1;
    private long _roundTripTime = 200_000;

    public LossBasedEstimator(long startBitrate, long minBitrate, long maxBitrate)
    {
        _minBitrate = minBitrate;
        _maxBitrate = maxBitrate;
        Bound = Math.Clamp(startBitrate, minBitrate, maxBitrate);
    }

    /// <summary>The bitrate loss allows.</summary>
    public long Bound { get; private set; }

    /// <summary>The loss fraction of the last complete report, 0–1.</summary>
    public double LossFraction { get; private set; }

    public void SetRoundTripTime(long roundTripTimeMicroseconds) => _roundTripTime = Math.Max(0, roundTripTimeMicroseconds);

    /// <summary>Raises the bound to a rate measured to pass (a probe).</summary>
    public void OnProbeResult(long bitrate) => Bound = Math.Clamp(Math.Max(Bound, bitrate), _minBitrate, _maxBitrate);

    /// <summary>Adds the packets one feedback reported; updates the bound once enough are counted.</summary>
    public void OnPackets(int lost, int expected, long currentTarget, long nowMicroseconds)
    {
        _lost += lost;
        _expected += expected;
        if (_expected < MinPacketsPerReport)
        {
            return;
        }

        LossFraction = (double)_lost / _expected;
        _lost = 0;
        _expected = 0;
        if (LossFraction < LowLoss)
        {
            var elapsed = _lastIncrease < 0 ? 0 : Math.Min(nowMicroseconds - _lastIncrease, 1_000_000);
            var grown = (long)(Math.Min(Bound, currentTarget) * (1 + (GrowthPerSecond * elapsed / 1_000_000))) + GrowthExtraBitrate;
            Bound = Math.Max(Bound, grown);
            _lastIncrease = nowMicroseconds;
        }
        else if (LossFraction <= HighLoss)
        {
            Bound = Math.Min(Bound, currentTarget);
            _lastIncrease = nowMicroseconds;
        }
        else
        {
            _lastIncrease = nowMicroseconds;
            if (_lastDecrease < 0 || nowMicroseconds - _lastDecrease >= _roundTripTime + DecreaseExtraMicroseconds)
            {
                Bound = (long)(Math.Min(Bound, currentTarget) * (1 - (LossFraction / 2)));
                _lastDecrease = nowMicroseconds;
            }
        }

        Bound = Math.Clamp(Bound, _minBitrate, _maxBitrate);
    }
}
