using System.Buffers.Binary;
using Parley.Media.Rtcp;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Transports;

public sealed class TransportCcFeedbackRecorderTests
{
    [Fact]
    public void Feedback_sorts_across_the_wrap_reports_gaps_and_duplicates_once()
    {
        var recorder = new TransportCcFeedbackRecorder();
        recorder.Record(65534, 1_000_000);
        recorder.Record(0, 1_002_000);
        recorder.Record(65535, 1_001_000); // reordered
        recorder.Record(0, 1_002_500);     // duplicate
        recorder.Record(3, 1_010_000);     // 1 and 2 lost

        var buffer = new byte[1200];
        Assert.True(recorder.TryWriteNext(buffer, 0x11111111, 0x22222222, out var written));
        Assert.False(recorder.TryWriteNext(buffer, 0x11111111, 0x22222222, out _));

        var packet = buffer.AsSpan(0, written);
        Assert.Equal(0, written % 4);
        Assert.Equal(205, packet[1]);
        Assert.Equal(15, packet[0] & 0x1F);
        Assert.Equal(0x11111111u, BinaryPrimitives.ReadUInt32BigEndian(packet[4..]));
        Assert.Equal(0x22222222u, BinaryPrimitives.ReadUInt32BigEndian(packet[8..]));
        Assert.True(RtcpTransportFeedback.TryParse(packet, out var feedback));
        Assert.Equal(65534, feedback.BaseSequenceNumber);
        Assert.Equal(6, feedback.PacketStatusCount);
        Assert.Equal(0, feedback.FeedbackPacketCount);
        Assert.Equal(1_000_000 / 64_000, feedback.ReferenceTime);

        var statuses = new List<TransportCcPacketStatus>();
        foreach (var status in feedback.Packets)
            statuses.Add(status);
        Assert.Equal(new ushort[] { 65534, 65535, 0, 1, 2, 3 }, statuses.Select(s => s.SequenceNumber));
        Assert.Equal(new[] { true, true, true, false, false, true }, statuses.Select(s => s.Received));

        // Arrival times come back to 250 µs: reference + deltas.
        var time = feedback.ReferenceTimeMicroseconds;
        var arrivals = new List<long>();
        foreach (var status in statuses.Where(s => s.Received))
        {
            time += status.DeltaMicroseconds;
            arrivals.Add(time);
        }

        Assert.Equal(new long[] { 1_000_000, 1_001_000, 1_002_000, 1_010_000 }, arrivals);
    }

    [Fact]
    public void Feedback_counts_up_and_starts_where_the_last_one_ended()
    {
        var recorder = new TransportCcFeedbackRecorder();
        var buffer = new byte[1200];
        recorder.Record(10, 500);
        Assert.True(recorder.TryWriteNext(buffer, 1, 2, out _));
        recorder.Record(11, 900);
        Assert.True(recorder.TryWriteNext(buffer, 1, 2, out var written));
        Assert.True(RtcpTransportFeedback.TryParse(buffer.AsSpan(0, written), out var second));
        Assert.Equal(1, second.FeedbackPacketCount);
        Assert.Equal(11, second.BaseSequenceNumber);
        Assert.Equal(1, second.PacketStatusCount);
        Assert.Equal(0, recorder.PendingCount);
    }

    [Fact]
    public void Packets_lost_between_two_feedbacks_are_reported_as_not_received()
    {
        var recorder = new TransportCcFeedbackRecorder();
        var buffer = new byte[1200];
        recorder.Record(65533, 500);
        recorder.Record(65534, 700);
        Assert.True(recorder.TryWriteNext(buffer, 1, 2, out _));

        // 65535, 0 and 1 never arrive; the next feedback starts at 65535 and says so.
        recorder.Record(2, 60_000);
        recorder.Record(3, 61_000);
        Assert.True(recorder.TryWriteNext(buffer, 1, 2, out var written));
        var statuses = Statuses(buffer.AsSpan(0, written), out var second);
        Assert.Equal(65535, second.BaseSequenceNumber);
        Assert.Equal(new ushort[] { 65535, 0, 1, 2, 3 }, statuses.Select(s => s.SequenceNumber));
        Assert.Equal(new[] { false, false, false, true, true }, statuses.Select(s => s.Received));

        // The arrival times still come back exactly: the reference time is the first received packet's.
        var time = second.ReferenceTimeMicroseconds;
        var arrivals = new List<long>();
        foreach (var status in statuses.Where(s => s.Received))
        {
            time += status.DeltaMicroseconds;
            arrivals.Add(time);
        }

        Assert.Equal(new long[] { 60_000, 61_000 }, arrivals);
    }

    [Fact]
    public void A_packet_arriving_after_it_was_reported_lost_is_left_out_and_counted()
    {
        var recorder = new TransportCcFeedbackRecorder();
        var buffer = new byte[1200];
        recorder.Record(100, 500);
        recorder.Record(102, 700);
        Assert.True(recorder.TryWriteNext(buffer, 1, 2, out _)); // 101 reported lost

        recorder.Record(101, 900);
        recorder.Record(103, 1_000);
        Assert.True(recorder.TryWriteNext(buffer, 1, 2, out var written));
        var statuses = Statuses(buffer.AsSpan(0, written), out _);
        Assert.Equal(new ushort[] { 103 }, statuses.Select(s => s.SequenceNumber));
        Assert.Equal(1, recorder.LateArrivals);
        Assert.Equal(0, recorder.PendingCount);
    }

    [Fact]
    public void A_gap_too_long_to_be_loss_starts_the_next_feedback_at_the_first_arrival()
    {
        var recorder = new TransportCcFeedbackRecorder();
        var buffer = new byte[1200];
        recorder.Record(10, 500);
        Assert.True(recorder.TryWriteNext(buffer, 1, 2, out _));

        recorder.Record((ushort)(11 + TransportCcFeedbackRecorder.Capacity + 1), 900);
        Assert.True(recorder.TryWriteNext(buffer, 1, 2, out var written));
        var statuses = Statuses(buffer.AsSpan(0, written), out var feedback);
        Assert.Equal(11 + TransportCcFeedbackRecorder.Capacity + 1, feedback.BaseSequenceNumber);
        Assert.True(Assert.Single(statuses).Received);
    }

    private static List<TransportCcPacketStatus> Statuses(ReadOnlySpan<byte> packet, out RtcpTransportFeedback feedback)
    {
        Assert.True(RtcpTransportFeedback.TryParse(packet, out feedback));
        var statuses = new List<TransportCcPacketStatus>();
        foreach (var status in feedback.Packets)
            statuses.Add(status);
        return statuses;
    }

    [Fact]
    public void More_arrivals_than_fit_in_one_packet_are_split_and_overflow_is_counted()
    {
        var recorder = new TransportCcFeedbackRecorder();
        for (var i = 0; i < TransportCcFeedbackRecorder.Capacity + 5; i++)
            recorder.Record((ushort)(i * 3), i * 40_000L); // gaps and large deltas: big packets

        Assert.Equal(5, recorder.Overflowed);
        var buffer = new byte[300];
        var reported = 0;
        var packets = 0;
        while (recorder.TryWriteNext(buffer, 1, 2, out var written))
        {
            Assert.True(RtcpTransportFeedback.TryParse(buffer.AsSpan(0, written), out var feedback));
            foreach (var status in feedback.Packets)
                reported += status.Received ? 1 : 0;
            packets++;
        }

        Assert.True(packets > 1);
        Assert.Equal(TransportCcFeedbackRecorder.Capacity, reported);
    }
}
