using FsCheck;
using FsCheck.Xunit;
using Parley.Media.Rtc;
using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtc;

public class NackGeneratorTests
{
    [Fact]
    public void A_gap_is_nacked_at_once_then_once_per_rtt()
    {
        var nack = new NackGenerator();
        nack.OnPacket(100, false, false, 0);
        nack.OnPacket(104, false, false, 10);

        Assert.True(nack.HasUnsentNacks);
        Assert.Equal([101, 102, 103], Collect(nack, 10, 50));
        Assert.False(nack.HasUnsentNacks);
        Assert.Empty(Collect(nack, 59, 50));
        Assert.Equal([101, 102, 103], Collect(nack, 60, 50));
        Assert.Equal(3, nack.PendingCount);
    }

    [Fact]
    public void Unknown_rtt_retries_after_the_default()
    {
        var nack = new NackGenerator();
        nack.OnPacket(1, false, false, 0);
        nack.OnPacket(3, false, false, 0);
        Assert.Equal([2], Collect(nack, 0, 0));
        Assert.Empty(Collect(nack, NackGenerator.DefaultRttMilliseconds - 1, 0));
        Assert.Equal([2], Collect(nack, NackGenerator.DefaultRttMilliseconds, 0));
    }

    [Fact]
    public void Late_and_retransmitted_packets_are_removed_and_reported_as_repairs()
    {
        var nack = new NackGenerator();
        nack.OnPacket(10, false, false, 0);
        nack.OnPacket(14, false, false, 0);

        Assert.True(nack.OnPacket(12, false, isRecovered: true, 5));
        Assert.True(nack.OnPacket(11, false, isRecovered: false, 6));
        Assert.False(nack.OnPacket(11, false, false, 7)); // duplicate
        Assert.False(nack.OnPacket(14, false, false, 7)); // duplicate of the newest

        Assert.Equal([13], Collect(nack, 10, 100));
    }

    [Fact]
    public void Gaps_across_the_wrap_are_nacked_in_rtp_order()
    {
        var nack = new NackGenerator();
        nack.OnPacket(65533, false, false, 0);
        nack.OnPacket(2, false, false, 0);

        Assert.Equal([65534, 65535, 0, 1], Collect(nack, 0, 100));
    }

    [Fact]
    public void A_packet_is_given_up_after_the_retry_limit_and_a_key_frame_is_asked_for()
    {
        var nack = new NackGenerator();
        nack.OnPacket(1, false, false, 0);
        nack.OnPacket(3, false, false, 0);

        for (var i = 0; i < NackGenerator.MaxRetries; i++)
        {
            Assert.Equal([2], Collect(nack, i * 10, 10));
        }

        Assert.False(nack.KeyFrameRequired);
        Assert.Empty(Collect(nack, NackGenerator.MaxRetries * 10, 10));
        Assert.Equal(0, nack.PendingCount);
        Assert.True(nack.KeyFrameRequired);
        Assert.Equal(1, nack.AbandonedCount);

        nack.AcknowledgeKeyFrameRequest();
        Assert.False(nack.KeyFrameRequired);
    }

    [Fact]
    public void A_packet_older_than_the_age_limit_is_dropped()
    {
        var nack = new NackGenerator();
        nack.OnPacket(1, false, false, 0);
        nack.OnPacket(3, false, false, 1000);
        Assert.Equal([2], Collect(nack, 1000, 5000));
        Assert.Empty(Collect(nack, 1000 + NackGenerator.MaxAgeMilliseconds + 1, 10));
        Assert.Equal(0, nack.PendingCount);
        Assert.True(nack.KeyFrameRequired);
    }

    [Fact]
    public void An_overflowing_list_drops_losses_before_the_last_key_frame_first()
    {
        var nack = new NackGenerator();
        nack.OnPacket(0, false, false, 0);
        nack.OnPacket(601, false, false, 0); // 600 missing
        nack.OnPacket(602, isKeyFrame: true, false, 0);
        nack.OnPacket(1203, false, false, 0); // 600 more: 1200 > 1000

        Assert.Equal(600, nack.PendingCount);
        Assert.False(nack.KeyFrameRequired);
        var destination = new ushort[1000];
        Assert.Equal(603, destination[..nack.CollectNacks(0, 100, destination)][0]);
    }

    [Fact]
    public void An_overflow_without_a_key_frame_clears_the_list_and_asks_for_one()
    {
        var nack = new NackGenerator();
        nack.OnPacket(0, false, false, 0);
        nack.OnPacket(1500, false, false, 0);

        Assert.Equal(0, nack.PendingCount);
        Assert.True(nack.KeyFrameRequired);
        Assert.Equal(1499, nack.AbandonedCount);

        nack.OnPacket(1501, isKeyFrame: true, false, 0);
        Assert.False(nack.KeyFrameRequired);
    }

    [Fact]
    public void A_recovered_packet_ahead_of_the_stream_opens_no_gap()
    {
        var nack = new NackGenerator();
        nack.OnPacket(10, false, false, 0);
        nack.OnPacket(20, false, isRecovered: true, 0);
        Assert.Equal(0, nack.PendingCount);
        nack.OnPacket(11, false, false, 0);
        Assert.Equal(0, nack.PendingCount);
    }

    [Fact]
    public void Collect_stops_at_the_destination_and_keeps_the_rest_unsent()
    {
        var nack = new NackGenerator();
        nack.OnPacket(0, false, false, 0);
        nack.OnPacket(6, false, false, 0);

        var destination = new ushort[2];
        Assert.Equal(2, nack.CollectNacks(0, 100, destination));
        Assert.Equal([1, 2], destination);
        Assert.True(nack.HasUnsentNacks);
        Assert.Equal(2, nack.CollectNacks(0, 100, destination));
        Assert.Equal([3, 4], destination);
    }

    [Fact]
    public void Packed_items_cover_exactly_the_collected_losses()
    {
        ushort[] lost = [65530, 65531, 65535, 0, 10, 11, 30];
        var items = new RtcpNackItem[8];
        var count = NackItemPacker.Pack(lost, items, out var consumed);

        Assert.Equal(7, consumed);
        Assert.Equal(
            [new RtcpNackItem(65530, 0b1000_0000_0011_0001), new RtcpNackItem(11, 0), new RtcpNackItem(30, 0)],
            items[..count]);
        Assert.Equal(lost.Length, items[..count].Sum(i => i.LostCount));
    }

    [Fact]
    public void Packing_into_too_few_items_reports_what_was_consumed()
    {
        ushort[] lost = [1, 100, 200];
        var items = new RtcpNackItem[2];
        Assert.Equal(2, NackItemPacker.Pack(lost, items, out var consumed));
        Assert.Equal(2, consumed);
    }

    [Property(MaxTest = 300)]
    public void Never_nacks_a_received_sequence_number_and_nacks_every_missing_one(ushort start, bool[] arrivals)
    {
        arrivals ??= [];
        var nack = new NackGenerator();
        var received = new HashSet<ushort> { start };
        nack.OnPacket(start, false, false, 0);
        var length = Math.Min(arrivals.Length, 500);
        for (var i = 1; i <= length; i++)
        {
            if (arrivals[i - 1])
            {
                var sequence = (ushort)(start + i);
                received.Add(sequence);
                nack.OnPacket(sequence, false, false, 0);
            }
        }

        var nacked = Collect(nack, 0, 100);
        Assert.DoesNotContain(nacked, received.Contains);
        var newest = (ushort)(start + Enumerable.Range(0, length + 1).Where(i => i == 0 || arrivals[i - 1]).Max());
        var expected = Enumerable.Range(1, (ushort)(newest - start)).Select(i => (ushort)(start + i)).Where(s => !received.Contains(s));
        Assert.Equal(expected, nacked);
    }

    [Property(MaxTest = 200)]
    public void Reordered_arrival_of_everything_leaves_nothing_to_nack(ushort start, PositiveInt seed)
    {
        var nack = new NackGenerator();
        var order = Enumerable.Range(0, 200).OrderBy(i => HashCode.Combine(i, seed.Get)).ToList();
        order.Remove(0);
        order.Insert(0, 0);
        foreach (var i in order)
        {
            nack.OnPacket((ushort)(start + i), false, false, 0);
        }

        Assert.Equal(0, nack.PendingCount);
        Assert.Empty(Collect(nack, 0, 100));
    }

    private static ushort[] Collect(NackGenerator nack, long now, int rtt)
    {
        var destination = new ushort[1000];
        return destination[..nack.CollectNacks(now, rtt, destination)];
    }
}

public class NackGeneratorRestartTests
{
    [Fact]
    public void Two_sequential_packets_far_behind_restart_the_tracking()
    {
        var nack = new NackGenerator();
        nack.OnPacket(40_000, false, false, 0);
        nack.OnPacket(40_003, false, false, 0);
        Assert.Equal(2, nack.PendingCount);

        nack.OnPacket(20_000, false, false, 10); // a stray 20,000 behind: ignored
        Assert.Equal(2, nack.PendingCount);
        nack.OnPacket(20_001, false, false, 10); // confirmed: the sender restarted at 20,000
        Assert.Equal(0, nack.PendingCount);

        nack.OnPacket(20_004, false, false, 20);
        var destination = new ushort[10];
        Assert.Equal([20_002, 20_003], destination[..nack.CollectNacks(20, 100, destination)]);
    }

    [Fact]
    public void A_single_stray_far_behind_changes_nothing()
    {
        var nack = new NackGenerator();
        nack.OnPacket(40_000, false, false, 0);
        nack.OnPacket(20_000, false, false, 0);
        nack.OnPacket(40_002, false, false, 0);
        var destination = new ushort[10];
        Assert.Equal([40_001], destination[..nack.CollectNacks(0, 100, destination)]);
    }
}
