namespace Parley.Media.Bwe;

/// <summary>
/// Estimates the trend of the one-way delay variation: accumulates the group deltas (arrival delta minus send
/// delta), smooths them exponentially and fits a line through the last 20 points (arrival time, smoothed delay).
/// A positive slope means a queue is building. This is the least-squares filter libwebrtc uses in place of the
/// draft's Kalman filter (draft-ietf-rmcat-gcc-02 §5.3): it reacts to a growing queue within a few groups.
/// </summary>
internal sealed class TrendlineEstimator
{
    public const int WindowSize = 20;
    private const double Smoothing = 0.9;

    private readonly double[] _times = new double[WindowSize];
    private readonly double[] _delays = new double[WindowSize];
    private int _count;
    private int _next;
    private long _firstArrival = -1;
    private double _accumulatedDelayMs;
    private double _smoothedDelayMs;

    /// <summary>Deltas seen so far (counted up to 1,000); the detector scales the trend by it early on.</summary>
    public int DeltaCount { get; private set; }

    /// <summary>Slope of the smoothed accumulated delay, in ms of delay per ms of time.</summary>
    public double Trend { get; private set; }

    public void Update(long sendDeltaMicroseconds, long arrivalDeltaMicroseconds, long arrivalTimeMicroseconds)
    {
        var deltaMs = (arrivalDeltaMicroseconds - sendDeltaMicroseconds) / 1000.0;
        DeltaCount = Math.Min(DeltaCount + 1, 1000);
        if (_firstArrival < 0)
        {
            _firstArrival = arrivalTimeMicroseconds;
        }

        _accumulatedDelayMs += deltaMs;
        _smoothedDelayMs = (Smoothing * _smoothedDelayMs) + ((1 - Smoothing) * _accumulatedDelayMs);
        _times[_next] = (arrivalTimeMicroseconds - _firstArrival) / 1000.0;
        _delays[_next] = _smoothedDelayMs;
        _next = (_next + 1) % WindowSize;
        _count = Math.Min(_count + 1, WindowSize);
        if (_count == WindowSize && TryFitSlope(out var slope))
        {
            Trend = slope;
        }
    }

    private bool TryFitSlope(out double slope)
    {
        double meanTime = 0, meanDelay = 0;
        for (var i = 0; i < _count; i++)
        {
            meanTime += _times[i];
            meanDelay += _delays[i];
        }

        meanTime /= _count;
        meanDelay /= _count;
        double numerator = 0, denominator = 0;
        for (var i = 0; i < _count; i++)
        {
            var dx = _times[i] - meanTime;
            numerator += dx * (_delays[i] - meanDelay);
            denominator += dx * dx;
        }

        slope = denominator == 0 ? 0 : numerator / denominator;
        return denominator != 0;
    }
}
