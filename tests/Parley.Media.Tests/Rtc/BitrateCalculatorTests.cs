using FsCheck;
using FsCheck.Xunit;
using Parley.Media.Rtc;

namespace Parley.Media.Tests.Rtc;

public class BitrateCalculatorTests
{
    [Fact]
    public void A_steady_stream_reads_its_rate_once_the_window_is_full()
    {
        var bitrate = new BitrateCalculator();
        for (var t = 0; t < 3000; t += 10)
        {
            bitrate.Update(1250, 10_000 + t); // 125 kB/s
        }

        Assert.Equal(1_000_000, bitrate.GetBitrate(12_999));
        Assert.Equal(1250L * 300, bitrate.TotalBytes);
    }

    [Fact]
    public void Old_buckets_leave_the_window()
    {
        var bitrate = new BitrateCalculator(1000, 100);
        bitrate.Update(1000, 0);
        bitrate.Update(500, 950);

        Assert.Equal(12_000, bitrate.GetBitrate(999));
        Assert.Equal(4_000, bitrate.GetBitrate(1000));
        Assert.Equal(4_000, bitrate.GetBitrate(1899));
        Assert.Equal(0, bitrate.GetBitrate(1900));
        Assert.Equal(0, bitrate.GetBitrate(500_000));
    }

    [Fact]
    public void A_bucket_reused_after_a_silence_starts_from_zero()
    {
        var bitrate = new BitrateCalculator(1000, 100);
        bitrate.Update(1000, 50);
        bitrate.Update(10, 5050); // the same slot, 50 periods later
        Assert.Equal(80, bitrate.GetBitrate(5050));
    }

    [Fact]
    public void Rejects_a_window_that_is_not_whole_buckets()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BitrateCalculator(1050, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BitrateCalculator(1000, 0));
    }

    [Property(MaxTest = 200)]
    public void Equals_the_bytes_of_the_last_window_times_eight(PositiveInt[] sizes, byte[] gaps)
    {
        sizes ??= [];
        gaps ??= [];
        var bitrate = new BitrateCalculator(1000, 100);
        var samples = new List<(long Time, int Bytes)>();
        long now = 1_000_000;
        for (var i = 0; i < sizes.Length; i++)
        {
            now += i < gaps.Length ? gaps[i] : 7;
            var bytes = sizes[i].Get % 2000;
            bitrate.Update(bytes, now);
            samples.Add((now, bytes));
        }

        var windowStart = ((now / 100) - 9) * 100;
        var expected = samples.Where(s => s.Time >= windowStart).Sum(s => (long)s.Bytes) * 8;
        Assert.Equal(expected, bitrate.GetBitrate(now));
    }
}
