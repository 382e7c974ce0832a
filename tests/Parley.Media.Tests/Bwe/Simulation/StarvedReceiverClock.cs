namespace Parley.Media.Tests.Bwe.Simulation;

/// <summary>
/// The arrival stamps of a receiver whose network thread is starved now and then (a receiving Chromium on a loaded
/// 2-core machine): at random moments it stops reading for a while, and what arrived meanwhile is read in one batch,
/// stamped when the thread runs again, a few microseconds apart. A probe cluster that a stall ends in the middle of
/// then reads faster than the link carried it. Seeded: a run is reproducible.
/// </summary>
internal sealed class StarvedReceiverClock
{
    private const long StampSpacingMicroseconds = 5;
    private readonly Random _random;
    private readonly long _meanGapMicroseconds;
    private readonly long _minStallMicroseconds;
    private readonly long _maxStallMicroseconds;
    private long _stallStart;
    private long _stallEnd;
    private long _lastStamp = long.MinValue;

    public StarvedReceiverClock(int seed, long meanGapMicroseconds, long minStallMicroseconds, long maxStallMicroseconds)
    {
        _random = new Random(seed);
        _meanGapMicroseconds = meanGapMicroseconds;
        _minStallMicroseconds = minStallMicroseconds;
        _maxStallMicroseconds = maxStallMicroseconds;
        ScheduleAfter(0);
    }

    /// <summary>When the receiver stamps a packet that arrived at <paramref name="arrival"/> (arrivals in order).</summary>
    public long Stamp(long arrival)
    {
        while (arrival >= _stallEnd)
        {
            ScheduleAfter(_stallEnd);
        }

        var stamp = arrival >= _stallStart ? Math.Max(_stallEnd, _lastStamp + StampSpacingMicroseconds) : arrival;
        _lastStamp = Math.Max(_lastStamp, stamp);
        return stamp;
    }

    private void ScheduleAfter(long time)
    {
        var gap = (long)(-Math.Log(1 - _random.NextDouble()) * _meanGapMicroseconds);
        _stallStart = time + gap;
        _stallEnd = _stallStart + _random.NextInt64(_minStallMicroseconds, _maxStallMicroseconds + 1);
    }
}
