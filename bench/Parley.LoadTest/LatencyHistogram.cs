namespace Parley.LoadTest;

/// <summary>A lock-free histogram of milliseconds in 50 µs buckets up to 5 s (more is counted in the last bucket).</summary>
internal sealed class LatencyHistogram
{
    private const double BucketMilliseconds = 0.05;
    private readonly long[] _buckets = new long[100_000];
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Record(double milliseconds)
    {
        var index = (int)Math.Clamp(milliseconds / BucketMilliseconds, 0, _buckets.Length - 1);
        Interlocked.Increment(ref _buckets[index]);
        Interlocked.Increment(ref _count);
    }

    /// <summary>The upper edge of the bucket holding the <paramref name="percent"/>th percentile; NaN when empty.</summary>
    public double Percentile(double percent)
    {
        var count = Count;
        if (count == 0)
            return double.NaN;
        var rank = (long)Math.Ceiling(count * percent / 100.0);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= Math.Max(rank, 1))
                return (i + 1) * BucketMilliseconds;
        }

        return _buckets.Length * BucketMilliseconds;
    }
}
