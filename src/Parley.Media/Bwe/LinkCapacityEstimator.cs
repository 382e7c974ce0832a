namespace Parley.Media.Bwe;

/// <summary>
/// The acknowledged bitrate at the moments overuse was detected, averaged with its variance: where the link's
/// capacity probably is. Near it the rate controller increases additively; far above it the estimate is dropped.
/// </summary>
internal sealed class LinkCapacityEstimator
{
    private const double Smoothing = 0.05;
    private const double MinNormalizedVariance = 0.4;
    private const double MaxNormalizedVariance = 2.5;

    private double _estimate = -1;
    private double _variance = MinNormalizedVariance;

    public bool HasEstimate => _estimate > 0;

    public double Estimate => _estimate;

    /// <summary>Three standard deviations above the estimate.</summary>
    public double UpperBound => _estimate + (3 * Deviation);

    /// <summary>Three standard deviations under the estimate (at least 0).</summary>
    public double LowerBound => Math.Max(0, _estimate - (3 * Deviation));

    // The variance is normalised in kbit/s, as in libwebrtc, whose constants these are.
    private double Deviation => Math.Sqrt(_variance * _estimate / 1000) * 1000;

    public void OnOveruse(double acknowledgedBitrate)
    {
        if (_estimate <= 0)
        {
            _estimate = acknowledgedBitrate;
            return;
        }

        _estimate = ((1 - Smoothing) * _estimate) + (Smoothing * acknowledgedBitrate);
        var error = _estimate - acknowledgedBitrate;
        _variance = ((1 - Smoothing) * _variance) + (Smoothing * error * error / (1000 * Math.Max(_estimate, 1)));
        _variance = Math.Clamp(_variance, MinNormalizedVariance, MaxNormalizedVariance);
    }

    /// <summary>
    /// A sample of the link at an overuse: under the lower bound it is a new link, not a sample of the old one, and
    /// replaces the capacity (libwebrtc resets the same way); otherwise it is averaged in.
    /// </summary>
    public void OnSample(double bitrate)
    {
        if (HasEstimate && bitrate < LowerBound)
        {
            Reset();
        }

        OnOveruse(bitrate);
    }

    /// <summary>The link measured at <paramref name="bitrate"/>, whatever was known before.</summary>
    public void Replace(double bitrate)
    {
        Reset();
        OnOveruse(bitrate);
    }

    /// <summary>
    /// Forgets the capacity, and the spread of the samples behind it: the next sample measures a link that changed, and
    /// the old samples' variance kept its upper bound wide (the browser bench held the estimate at 103 % of the link,
    /// at a bound 14 % over a capacity it had just measured right).
    /// </summary>
    public void Reset()
    {
        _estimate = -1;
        _variance = MinNormalizedVariance;
    }
}
