using Parley.Media.Rtc;
using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtc;

public class ReceiveStreamStatisticsTests
{
    [Fact]
    public void Counts_loss_after_the_two_packet_probation()
    {
        var stats = new ReceiveStreamStatistics(0xabcd, 90000);
        foreach (var sequence in new ushort[] { 100, 101, 103, 104, 106, 107, 108, 109 })
        {
            stats.OnPacket(sequence, 0, 100, 0);
        }

        // 100 is probation; 101 starts the count (RFC 3550 A.1): 9 expected, 7 received.
        Assert.Equal(8, stats.PacketCount);
        Assert.Equal(800, stats.ByteCount);
        Assert.Equal(109u, stats.ExtendedHighestSequence);
        Assert.Equal(9, stats.ExpectedPackets);
        Assert.Equal(2, stats.PacketsLost);

        var block = stats.CreateReportBlock(0);
        Assert.Equal(new RtcpReportBlock(0xabcd, (2 << 8) / 9, 2, 109, 0, 0, 0), block);
    }

    [Fact]
    public void Fraction_lost_covers_only_the_interval_since_the_previous_report()
    {
        var stats = new ReceiveStreamStatistics(1, 90000);
        for (ushort s = 0; s < 10; s++)
        {
            stats.OnPacket(s, 0, 10, 0);
        }

        Assert.Equal(0, stats.CreateReportBlock(0).FractionLost);
        for (ushort s = 10; s < 20; s++)
        {
            if (s is not (12 or 15 or 17))
            {
                stats.OnPacket(s, 0, 10, 0);
            }
        }

        var block = stats.CreateReportBlock(0);
        Assert.Equal((3 << 8) / 10, block.FractionLost);
        Assert.Equal(3, block.CumulativeLost);
        Assert.Equal(0, stats.CreateReportBlock(0).FractionLost);
    }

    [Fact]
    public void Duplicates_make_cumulative_loss_negative_and_fraction_zero()
    {
        var stats = new ReceiveStreamStatistics(1, 48000);
        stats.OnPacket(5, 0, 10, 0);
        stats.OnPacket(6, 0, 10, 0);
        for (var i = 0; i < 5; i++)
        {
            stats.OnPacket(6, 0, 10, 0);
        }

        var block = stats.CreateReportBlock(0);
        Assert.Equal(-5, block.CumulativeLost);
        Assert.Equal(0, block.FractionLost);

        var bytes = new byte[RtcpReportBlock.Size];
        Assert.True(block.TryWrite(bytes));
        Assert.Equal([0xff, 0xff, 0xfb], bytes[5..8]);
    }

    [Fact]
    public void The_extended_highest_sequence_counts_wraps()
    {
        var stats = new ReceiveStreamStatistics(1, 90000);
        for (var i = 0; i < 20; i++)
        {
            stats.OnPacket((ushort)(65530 + i), 0, 10, 0);
        }

        Assert.Equal(65536u + 13, stats.ExtendedHighestSequence);
        Assert.Equal(0, stats.PacketsLost);
    }

    [Fact]
    public void A_confirmed_sequence_restart_starts_the_loss_count_afresh()
    {
        var stats = new ReceiveStreamStatistics(1, 90000);
        for (ushort s = 0; s < 10; s++)
        {
            stats.OnPacket(s, 0, 10, 0);
        }

        stats.OnPacket(40_000, 0, 10, 0);
        stats.OnPacket(40_001, 0, 10, 0);
        stats.OnPacket(40_002, 0, 10, 0);

        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(40_002u, stats.ExtendedHighestSequence);
    }

    [Fact]
    public void Constant_transit_time_gives_zero_jitter()
    {
        var stats = new ReceiveStreamStatistics(1, 90000);
        for (var i = 0; i < 50; i++)
        {
            stats.OnPacket((ushort)i, (uint)(123456 + (i * 2970)), 1000, 5000 + (i * 33));
        }

        Assert.Equal(0u, stats.Jitter);
    }

    [Fact]
    public void Jitter_follows_the_rfc_3550_estimator()
    {
        var stats = new ReceiveStreamStatistics(1, 90000);
        double expected = 0;
        var previousTransit = 0L;
        for (var i = 0; i < 40; i++)
        {
            var timestamp = unchecked(0xFFFF_0000u + (uint)(i * 1800)); // wraps the 32-bit timestamp on the way
            long arrival = (i * 20) + (i % 2 == 0 ? 0 : 10);
            stats.OnPacket((ushort)i, timestamp, 500, arrival);

            var transit = (arrival * 90) - (0xFFFF_0000L + (i * 1800L));
            if (i > 0)
            {
                expected += (Math.Abs(transit - previousTransit) - expected) / 16;
            }

            previousTransit = transit;
        }

        Assert.InRange(stats.Jitter, (uint)expected - 1, (uint)expected + 1);
        Assert.True(stats.Jitter > 700);
    }

    [Fact]
    public void Retransmissions_count_toward_loss_but_not_jitter()
    {
        var stats = new ReceiveStreamStatistics(1, 90000);
        stats.OnPacket(1, 0, 10, 0);
        stats.OnPacket(2, 1800, 10, 20);
        stats.OnPacket(4, 5400, 10, 60);
        stats.OnPacket(3, 3600, 10, 500, isRetransmission: true);

        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(0u, stats.Jitter);
        Assert.Equal(1, stats.RetransmittedPacketCount);
    }

    [Fact]
    public void The_report_block_carries_lsr_and_the_delay_since_it()
    {
        var stats = new ReceiveStreamStatistics(7, 90000);
        stats.OnPacket(1, 0, 10, 0);
        stats.OnPacket(2, 0, 10, 0);
        Assert.Equal(0u, stats.CreateReportBlock(100).DelaySinceLastSenderReport);

        stats.OnSenderReport(0x1234_5678_9ABC_DEF0, 90_000, 1000);
        var block = stats.CreateReportBlock(1500);

        Assert.Equal(0x5678_9ABCu, block.LastSenderReport);
        Assert.Equal(32768u, block.DelaySinceLastSenderReport);
        Assert.Equal(0x1234_5678_9ABC_DEF0UL, stats.LastSenderReportNtp);
        Assert.Equal(90_000u, stats.LastSenderReportRtpTimestamp);

        var bytes = new byte[24];
        Assert.True(stats.TryWriteReportBlock(bytes, 2000));
        Assert.Equal(
            Convert.FromHexString("00000007" + "00" + "000000" + "00000002" + "00000000" + "56789ABC" + "00010000"),
            bytes);
        Assert.False(stats.TryWriteReportBlock(new byte[23], 2000));
    }
}
