namespace Parley.Media.Rtc;

/// <summary>
/// Bytes over a sliding window of fixed buckets (1 s of 100 ms by default), as bits per second. Buckets are
/// stamped with their period number, so stale ones are recognised without a timer. Allocation-free after
/// construction; owned by one worker thread.
/// </summary>
internal sealed class BitrateCalculator
{
    /// <summary>Default window length.</summary>
    public const int DefaultWindowMilliseconds = 1000;

    /// <summary>Default bucket length.</summary>
    public const int DefaultBucketMilliseconds = 100;

    private readonly long[] _bytes;
    private readonly long[] _periods;
    private readonly int _bucketMilliseconds;

    // The bucket written last and where its period starts: every packet of the same 100 ms lands there without the
    // three 64-bit divisions of the general case (this runs up to three times per forwarded copy).
    private int _currentIndex = -1;
    private long _currentStart;

    /// <summary>Creates a window of <paramref name="windowMilliseconds"/> made of buckets of <paramref name="bucketMilliseconds"/>.</summary>
    public BitrateCalculator(int windowMilliseconds = DefaultWindowMilliseconds, int bucketMilliseconds = DefaultBucketMilliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketMilliseconds);
        if (windowMilliseconds < bucketMilliseconds || windowMilliseconds % bucketMilliseconds != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(windowMilliseconds), windowMilliseconds, "The window must be a whole number of buckets.");
        }

        WindowMilliseconds = windowMilliseconds;
        _bucketMilliseconds = bucketMilliseconds;
        var count = windowMilliseconds / bucketMilliseconds;
        _bytes = new long[count];
        _periods = new long[count];
        Array.Fill(_periods, long.MinValue);
    }

    public int WindowMilliseconds { get; }

    /// <summary>Every byte ever counted.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Counts <paramref name="bytes"/> at <paramref name="nowMilliseconds"/>.</summary>
    public void Update(int bytes, long nowMilliseconds)
    {
        if (_currentIndex >= 0 && nowMilliseconds >= _currentStart && nowMilliseconds - _currentStart < _bucketMilliseconds)
        {
            _bytes[_currentIndex] += bytes;
            TotalBytes += bytes;
            return;
        }

        var period = Math.DivRem(nowMilliseconds, _bucketMilliseconds, out var remainder);
        if (remainder < 0)
        {
            period--;
        }

        var index = (int)(((period % _bytes.Length) + _bytes.Length) % _bytes.Length);
        if (_periods[index] != period)
        {
            _periods[index] = period;
            _bytes[index] = 0;
        }

        _bytes[index] += bytes;
        TotalBytes += bytes;
        _currentIndex = index;
        _currentStart = period * _bucketMilliseconds;
    }

    /// <summary>Bits per second over the window ending at <paramref name="nowMilliseconds"/> (its current bucket included).</summary>
    public long GetBitrate(long nowMilliseconds)
    {
        var period = Math.DivRem(nowMilliseconds, _bucketMilliseconds, out var remainder);
        if (remainder < 0)
        {
            period--;
        }

        var oldest = period - _bytes.Length + 1;
        long bytes = 0;
        for (var i = 0; i < _bytes.Length; i++)
        {
            if (_periods[i] >= oldest && _periods[i] <= period)
            {
                bytes += _bytes[i];
            }
        }

        return bytes * 8 * 1000 / WindowMilliseconds;
    }

    /// <summary>Forgets the window (not <see cref="TotalBytes"/>).</summary>
    public void Reset() => Array.Fill(_periods, long.MinValue);
}
