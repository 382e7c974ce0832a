using System.Globalization;

namespace Parley.LoadTest;

/// <summary>
/// How busy each core of the machine was between two readings of /proc/stat: on a shared machine this tells a server
/// that had its core to itself from one that was crowded out by others (its own CPU share is then low but the core full).
/// </summary>
internal static class CoreSampler
{
    public static (long Busy, long Total)[] Read()
    {
        try
        {
            return [.. File.ReadLines("/proc/stat")
                .Where(l => l.StartsWith("cpu", StringComparison.Ordinal) && char.IsDigit(l[3]))
                .Select(l =>
                {
                    var v = l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                    var idle = v[3] + v[4]; // idle + iowait
                    var total = v.Take(8).Sum(); // user nice system idle iowait irq softirq steal
                    return (total - idle, total);
                })];
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return [];
        }
    }

    public static double[] BusyPercent((long Busy, long Total)[] start, (long Busy, long Total)[] end) =>
        [.. start.Zip(end, (s, e) => e.Total == s.Total ? 0 : (e.Busy - s.Busy) * 100.0 / (e.Total - s.Total))];
}
