using System.Diagnostics;
using System.Globalization;

namespace Parley.HubLoad;

/// <summary>
/// Round-trip times from many tasks; percentiles at the end, and the slow ones one by one (when they started, and
/// what the generator's own runtime did meanwhile) so that a stall can be lined up with the server's metrics and logs.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly List<long> _ticks = [];
    private readonly List<Sample> _samples = [];

    public int Count
    {
        get { lock (_ticks) return _ticks.Count; }
    }

    /// <param name="call">The call to time.</param>
    /// <param name="label">Asked after the call: a word to mark its sample with (e.g. "redirected"), or null.</param>
    public async Task<T> TimeAsync<T>(Func<Task<T>> call, Func<string?>? label = null)
    {
        var startedAt = DateTime.UtcNow;
        var gcBefore = GC.CollectionCount(0);
        var pauseBefore = GC.GetTotalPauseDuration();
        var threads = ThreadPool.ThreadCount;
        var start = Stopwatch.GetTimestamp();
        var result = await call();
        var elapsed = Stopwatch.GetTimestamp() - start;
        var sample = new Sample(startedAt, elapsed * 1000.0 / Stopwatch.Frequency, GC.CollectionCount(0) - gcBefore,
            (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds, threads, ThreadPool.ThreadCount, label?.Invoke());
        lock (_ticks)
        {
            _ticks.Add(elapsed);
            _samples.Add(sample);
        }

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

    /// <summary>The samples marked <paramref name="label"/> (null: unmarked): how many, and their p50 and p99.</summary>
    public (int Count, double P50, double P99) Of(string? label)
    {
        lock (_ticks)
        {
            var times = _samples.Where(s => s.Label == label).Select(s => s.Milliseconds).Order().ToList();
            double At(double percentile) =>
                times.Count == 0 ? double.NaN : times[(int)Math.Clamp(Math.Ceiling(percentile / 100 * times.Count) - 1, 0, times.Count - 1)];
            return (times.Count, At(50), At(99));
        }
    }

    /// <summary>The calls slower than <paramref name="milliseconds"/>, first started first (at most <paramref name="max"/>).</summary>
    public IReadOnlyList<Sample> SlowerThan(double milliseconds, int max)
    {
        lock (_ticks)
            return [.. _samples.Where(s => s.Milliseconds > milliseconds).OrderBy(s => s.StartedAt).Take(max)];
    }

    /// <summary>
    /// One call: its start (UTC), its time, the generator's own GCs, GC pause and thread-pool size around it, and its
    /// mark (or null).
    /// </summary>
    internal sealed record Sample(DateTime StartedAt, double Milliseconds, int Gen0Collections, double GcPauseMilliseconds, int ThreadsBefore, int ThreadsAfter, string? Label)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{StartedAt:HH:mm:ss.fff} {Milliseconds:F1} ms (generator: {Gen0Collections} GCs, {GcPauseMilliseconds:F1} ms paused, threads {ThreadsBefore}->{ThreadsAfter}){(Label is null ? "" : " " + Label)}");
    }
}
