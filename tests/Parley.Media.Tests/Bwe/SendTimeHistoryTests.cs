using Parley.Media.Bwe;
using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Bwe;

public class SendTimeHistoryTests
{
    [Fact]
    public void Matches_feedback_with_send_times_sizes_and_losses()
    {
        var history = new SendTimeHistory();
        for (ushort seq = 10; seq < 15; seq++)
        {
            history.OnPacketSent(seq, 1_000_000 + (seq * 1_000), 1000 + seq);
        }

        // 12 is missing from the feedback, so reported lost.
        var packet = FeedbackBuilder.Build(new(10, 5_000_000), new(11, 5_001_000), new(13, 5_004_000), new(14, 5_004_250));
        var results = new PacketResult[16];
        var count = history.ProcessFeedback(FeedbackBuilder.Parse(packet), results);

        Assert.Equal(5, count);
        Assert.Equal([10L + 0x10000, 11 + 0x10000, 12 + 0x10000, 13 + 0x10000, 14 + 0x10000], results[..5].Select(r => r.SequenceNumber));
        Assert.Equal([1_010_000L, 1_011_000, 1_012_000, 1_013_000, 1_014_000], results[..5].Select(r => r.SendTimeMicroseconds));
        Assert.Equal([1010, 1011, 1012, 1013, 1014], results[..5].Select(r => r.Size));
        Assert.Equal([true, true, false, true, true], results[..5].Select(r => r.Received));
        Assert.Equal(1_000, results[1].ArrivalTimeMicroseconds - results[0].ArrivalTimeMicroseconds);
        Assert.Equal(4_000, results[3].ArrivalTimeMicroseconds - results[0].ArrivalTimeMicroseconds);
        Assert.Equal(250, results[4].ArrivalTimeMicroseconds - results[3].ArrivalTimeMicroseconds);
        Assert.Equal(0, history.BytesInFlight);
    }

    [Fact]
    public void Arrival_times_stay_continuous_across_feedback_packets()
    {
        var history = new SendTimeHistory();
        history.OnPacketSent(1, 0, 100);
        history.OnPacketSent(2, 0, 100);
        var results = new PacketResult[4];
        history.ProcessFeedback(FeedbackBuilder.Parse(FeedbackBuilder.Build(new TransportCcArrival(1, 64_000 * 10 + 500))), results);
        var first = results[0].ArrivalTimeMicroseconds;
        history.ProcessFeedback(FeedbackBuilder.Parse(FeedbackBuilder.Build(new TransportCcArrival(2, 64_000 * 12 + 750))), results);

        Assert.Equal((64_000 * 2) + 250, results[0].ArrivalTimeMicroseconds - first);
    }

    [Fact]
    public void Sequence_numbers_unwrap_across_65535()
    {
        var history = new SendTimeHistory();
        for (var i = 0; i < 10; i++)
        {
            history.OnPacketSent((ushort)(65530 + i), i * 1_000, 500);
        }

        var arrivals = Enumerable.Range(0, 10).Select(i => new TransportCcArrival((ushort)(65530 + i), 100_000 + (i * 1_000))).ToArray();
        var results = new PacketResult[16];
        var count = history.ProcessFeedback(FeedbackBuilder.Parse(FeedbackBuilder.Build(arrivals)), results);

        Assert.Equal(10, count);
        Assert.All(results[..10], r => Assert.True(r.Received));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 1_000L), results[..10].Select(r => r.SendTimeMicroseconds));
        Assert.Equal(results[0].SequenceNumber + 9, results[9].SequenceNumber);
        Assert.Equal(0, history.UnknownReported);
    }

    [Fact]
    public void A_packet_reported_lost_then_received_is_reported_again_and_duplicates_are_counted()
    {
        var history = new SendTimeHistory();
        history.OnPacketSent(1, 0, 100);
        history.OnPacketSent(2, 1_000, 100);
        history.OnPacketSent(3, 2_000, 100);
        var results = new PacketResult[8];

        Assert.Equal(3, history.ProcessFeedback(FeedbackBuilder.Parse(FeedbackBuilder.Build(new(1, 10_000), new(3, 12_000))), results));
        Assert.False(results[1].Received);

        var count = history.ProcessFeedback(FeedbackBuilder.Parse(FeedbackBuilder.Build(new(1, 10_000), new(2, 13_000), new(3, 12_000))), results);

        Assert.Equal(1, count);
        Assert.Equal(2 + 0x10000, results[0].SequenceNumber);
        Assert.True(results[0].Received);
        Assert.Equal(2, history.DuplicatesReported);
    }

    [Fact]
    public void Feedback_for_packets_never_sent_or_overwritten_in_the_ring_is_counted_not_matched()
    {
        var history = new SendTimeHistory(capacity: 16);
        for (var i = 0; i < 40; i++)
        {
            history.OnPacketSent((ushort)i, i * 1_000, 100);
        }

        var results = new PacketResult[64];
        var count = history.ProcessFeedback(FeedbackBuilder.Parse(FeedbackBuilder.Build(new(5, 1_000), new(39, 2_000), new(45, 3_000))), results);

        // The ring holds 24–39: 5–23 were overwritten, 40–45 never sent; 24–38 are reported lost.
        Assert.Equal(16, count);
        Assert.Equal(24_000, results[0].SendTimeMicroseconds);
        Assert.Equal(39_000, results[15].SendTimeMicroseconds);
        Assert.True(results[15].Received);
        Assert.Equal(15, results[..16].Count(r => !r.Received));
        Assert.Equal(19 + 6, history.UnknownReported);
    }

    [Fact]
    public void Bytes_in_flight_count_sent_packets_until_reported()
    {
        var history = new SendTimeHistory();
        history.OnPacketSent(1, 0, 300);
        history.OnPacketSent(2, 0, 200);
        Assert.Equal(500, history.BytesInFlight);

        history.ProcessFeedback(FeedbackBuilder.Parse(FeedbackBuilder.Build(new TransportCcArrival(1, 1_000))), new PacketResult[4]);

        Assert.Equal(200, history.BytesInFlight);
    }

    [Fact]
    public void A_full_result_buffer_truncates_and_counts()
    {
        var history = new SendTimeHistory();
        for (ushort seq = 0; seq < 5; seq++)
        {
            history.OnPacketSent(seq, 0, 100);
        }

        var arrivals = Enumerable.Range(0, 5).Select(i => new TransportCcArrival((ushort)i, i * 1_000)).ToArray();
        Assert.Equal(3, history.ProcessFeedback(FeedbackBuilder.Parse(FeedbackBuilder.Build(arrivals)), new PacketResult[3]));
        Assert.Equal(2, history.Truncated);
    }

    [Fact]
    public void Sending_and_matching_feedback_allocate_nothing()
    {
        var history = new SendTimeHistory();
        var arrivals = Enumerable.Range(0, 50).Select(i => new TransportCcArrival((ushort)i, i * 1_000)).ToArray();
        var packet = FeedbackBuilder.Build(arrivals);
        var results = new PacketResult[64];
        ushort next = 0;

        var allocated = AllocationMeter.LeastPerRound(
            () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    history.OnPacketSent(next++, i * 1_000, 1_000);
                }

                RtcpTransportFeedback.TryParse(packet, out var feedback);
                history.ProcessFeedback(feedback, results);
            },
            warmUp: 10,
            perRound: 20);

        Assert.Equal(0, allocated);
    }
}
