namespace Parley.NetRelay.Tests;

public class LinkImpairmentTests
{
    [Fact]
    public void Unimpaired_packets_leave_at_once()
    {
        var link = new LinkImpairment(1);
        Assert.True(link.TryAdmit(1_000, 1200, out var release));
        Assert.Equal(1_000, release);
    }

    [Fact]
    public void The_token_bucket_spaces_packets_at_the_rate_after_the_burst()
    {
        var link = new LinkImpairment(1) { Settings = ImpairmentSettings.None with { RateBitsPerSecond = 800_000, BurstBytes = 2000, QueueLimitBytes = 100_000 } };
        var releases = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            Assert.True(link.TryAdmit(0, 1000, out var release));
            releases.Add(release);
        }

        // Two fit the 2 kB bucket; then one every 10 ms (1,000 bytes at 100 kB/s).
        Assert.Equal([0L, 0, 10_000, 20_000, 30_000, 40_000], releases);
    }

    [Fact]
    public void A_late_sender_lets_the_backlog_out_at_the_rate_not_in_a_burst()
    {
        var link = new LinkImpairment(1) { Settings = ImpairmentSettings.None with { RateBitsPerSecond = 800_000, BurstBytes = 1000, QueueLimitBytes = 100_000 } };
        var transmission = link.TransmissionMicroseconds(1000);
        Assert.Equal(10_000, transmission);

        // Released at 0, 10, 20, 30 ms; the sender woke only at 25 ms.
        var previousSend = long.MinValue;
        var sends = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            Assert.True(link.TryAdmit(0, 1000, out var release));
            var send = LinkImpairment.SendTime(release, previousSend, transmission);
            var actual = Math.Max(send, 25_000);
            sends.Add(actual);
            previousSend = actual;
        }

        // The two overdue packets leave 10 ms apart, not together; the backlog is worked off at the rate.
        Assert.Equal([25_000L, 35_000, 45_000, 55_000], sends);

        // Once the link idles past the backlog, packets leave at their release again.
        Assert.Equal(200_000, LinkImpairment.SendTime(200_000, previousSend, transmission));
        Assert.Equal(0, new LinkImpairment(1).TransmissionMicroseconds(1000));
    }

    [Fact]
    public void A_full_queue_drops_the_tail()
    {
        var link = new LinkImpairment(1) { Settings = ImpairmentSettings.None with { RateBitsPerSecond = 80_000, BurstBytes = 0, QueueLimitBytes = 3000 } };
        var admitted = Enumerable.Range(0, 5).Count(i => link.TryAdmit(0, 1000, out _));

        Assert.Equal(3, admitted);
        Assert.Equal(2, link.QueueDrops);

        // Once the queue drained (100 ms per packet at 10 kB/s), packets pass again.
        Assert.True(link.TryAdmit(400_000, 1000, out _));
    }

    [Fact]
    public void Delay_and_jitter_are_added_and_order_is_kept()
    {
        var link = new LinkImpairment(7) { Settings = ImpairmentSettings.None with { Delay = TimeSpan.FromMilliseconds(50), Jitter = TimeSpan.FromMilliseconds(20) } };
        long previous = 0;
        for (var i = 0; i < 200; i++)
        {
            var now = i * 1_000L;
            Assert.True(link.TryAdmit(now, 100, out var release));
            Assert.InRange(release, now + 50_000, now + 70_000 + 20_000);
            Assert.True(release >= previous);
            previous = release;
        }
    }

    [Fact]
    public void Random_loss_drops_about_its_rate_and_is_reproducible()
    {
        int Run()
        {
            var link = new LinkImpairment(3) { Settings = ImpairmentSettings.None with { LossRate = 0.3 } };
            return Enumerable.Range(0, 1000).Count(i => !link.TryAdmit(i, 100, out _));
        }

        var dropped = Run();
        Assert.InRange(dropped, 250, 350);
        Assert.Equal(dropped, Run());
    }

    [Fact]
    public void Bad_settings_are_refused()
    {
        var link = new LinkImpairment(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => link.Settings = ImpairmentSettings.None with { LossRate = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => link.Settings = ImpairmentSettings.None with { RateBitsPerSecond = -1 });
    }
}
