namespace Parley.Media.Bwe;

/// <summary>
/// The rate at which the receiver got our packets, from their arrival times: bytes in 50 ms buckets of arrival
/// time over the last 500 ms. It is what the path demonstrably carried — the basis of every decrease.
/// </summary>
internal sealed class AcknowledgedBitrateEstimator
{
    public const long BucketMicroseconds = 50_000;
    public const int Buckets = 10;
    private const int MinBucketsForEstimate = 3;

    private readonly long[] _bytes = new long[Buckets];
    private long _newestBucket = long.MinValue;
    private long _firstBucket = long.MinValue;

    /// <summary>Bits per second over the window, or 0 before 150 ms of arrivals are known.</summary>
    public long Bitrate => BitrateOver(Buckets);

    /// <summary>Bits per second over the newest <paramref name="buckets"/> buckets (at most the window), or 0 before 150 ms of arrivals are known.</summary>
    public long BitrateOver(int buckets)
    {
        if (_newestBucket == long.MinValue)
        {
            return 0;
        }

        var span = Math.Min(Math.Min(buckets, Buckets), _newestBucket - _firstBucket + 1);
        if (span < MinBucketsForEstimate)
        {
            return 0;
        }

        long total = 0;
        for (var i = 0; i < span; i++)
        {
            total += _bytes[Index(_newestBucket - i)];
        }

        return total * 8 * 1_000_000 / (span * BucketMicroseconds);
    }

    public void OnReceived(long arrivalTimeMicroseconds, int size)
    {
        var bucket = arrivalTimeMicroseconds / BucketMicroseconds;
        if (_newestBucket == long.MinValue)
        {
            _newestBucket = bucket;
            _firstBucket = bucket;
        }

        if (bucket > _newestBucket)
        {
            for (var b = Math.Max(_newestBucket + 1, bucket - Buckets + 1); b <= bucket; b++)
            {
                _bytes[Index(b)] = 0;
            }

            _newestBucket = bucket;
        }
        else if (bucket <= _newestBucket - Buckets)
        {
            return;
        }

        _bytes[Index(bucket)] += size;
    }

    private static int Index(long bucket) => (int)(((bucket % Buckets) + Buckets) % Buckets);
}
