using System.Diagnostics;

namespace Parley.HubLoad;

/// <summary>Round-trip times from many tasks; percentiles at the end.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<long> _ticks = [];

    public int Count
    {
        get { lock (_ticks) return _ticks.Count; }
    }

    public async Task<T> TimeAsync<T>(Func<Task<T>> call)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await call();
        var elapsed = Stopwatch.GetTimestamp() - start;
        lock (_ticks) _ticks.Add(elapsed);
        return result;
    }

    public double PercentileMilliseconds(double percentile)
    {
        lock (_ticks)
        {
            if (_ticks.Count == 0)
            {
                return double.NaN;
            }

            _ticks.Sort();
            var index = (int)Math.Clamp(Math.Ceiling(percentile / 100 * _ticks.Count) - 1, 0, _ticks.Count - 1);
            return _ticks[index] * 1000.0 / Stopwatch.Frequency;
        }
    }
}
