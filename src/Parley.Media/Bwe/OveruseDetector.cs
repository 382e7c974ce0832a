namespace Parley.Media.Bwe;

/// <summary>
/// Compares the delay trend with an adaptive threshold (draft-ietf-rmcat-gcc-02 §5.4): overuse once the trend has
/// stayed above it for 10 ms over more than one group and is not falling; underuse below its negative. The
/// threshold follows the trend slowly (k_u = 0.0087 up, k_d = 0.039 down), so concurrent TCP flows do not starve
/// the estimate, and ignores spikes far above it.
/// </summary>
internal sealed class OveruseDetector
{
    private const double ThresholdGain = 4.0;
    private const int MaxScaledDeltas = 60;
    private const double InitialThresholdMs = 12.5;
    private const double MinThresholdMs = 6;
    private const double MaxThresholdMs = 600;
    private const double IncreaseCoefficient = 0.0087;
    private const double DecreaseCoefficient = 0.039;
    private const double MaxAdaptOffsetMs = 15;
    private const long OveruseTimeMicroseconds = 10_000;
    private const long MaxThresholdStepMicroseconds = 100_000;

    private long _overuseTime = -1;
    private int _overuseCount;
    private double _previousTrend;
    private long _lastThresholdUpdate = -1;

    public double ThresholdMs { get; private set; } = InitialThresholdMs;

    public BandwidthUsage State { get; private set; } = BandwidthUsage.Normal;

    /// <summary>The last trend as compared with <see cref="ThresholdMs"/> (scaled by the number of deltas and the gain).</summary>
    public double ScaledTrend { get; private set; }

    public BandwidthUsage Detect(double trend, int deltaCount, long sendDeltaMicroseconds, long nowMicroseconds)
    {
        if (deltaCount < 2)
        {
            return State = BandwidthUsage.Normal;
        }

        var scaled = Math.Min(deltaCount, MaxScaledDeltas) * trend * ThresholdGain;
        ScaledTrend = scaled;
        if (scaled > ThresholdMs)
        {
            _overuseTime = _overuseTime < 0 ? sendDeltaMicroseconds / 2 : _overuseTime + sendDeltaMicroseconds;
            _overuseCount++;
            if (_overuseTime > OveruseTimeMicroseconds && _overuseCount > 1 && trend >= _previousTrend)
            {
                _overuseTime = 0;
                _overuseCount = 0;
                State = BandwidthUsage.Overusing;
            }
        }
        else
        {
            _overuseTime = -1;
            _overuseCount = 0;
            State = scaled < -ThresholdMs ? BandwidthUsage.Underusing : BandwidthUsage.Normal;
        }

        _previousTrend = trend;
        UpdateThreshold(scaled, nowMicroseconds);
        return State;
    }

    private void UpdateThreshold(double scaledTrend, long now)
    {
        if (_lastThresholdUpdate < 0)
        {
            _lastThresholdUpdate = now;
        }

        var magnitude = Math.Abs(scaledTrend);
        if (magnitude > ThresholdMs + MaxAdaptOffsetMs)
        {
            _lastThresholdUpdate = now;
            return;
        }

        var coefficient = magnitude < ThresholdMs ? DecreaseCoefficient : IncreaseCoefficient;
        var elapsedMs = Math.Min(now - _lastThresholdUpdate, MaxThresholdStepMicroseconds) / 1000.0;
        ThresholdMs = Math.Clamp(ThresholdMs + (coefficient * (magnitude - ThresholdMs) * elapsedMs), MinThresholdMs, MaxThresholdMs);
        _lastThresholdUpdate = now;
    }
}
