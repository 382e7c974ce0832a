using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtcp;

public class RtcpTransportFeedbackTests
{
    private const long ChromeReference = 6197520L * 64_000;
    private static readonly long[] ChromeDeltasMs = [7, 3, 11, 14, 0, 1, 0, 2, 6];

    [Fact]
    public void Parses_chrome_feedback()
    {
        Assert.True(RtcpTransportFeedback.TryParse(RtcpVectors.Bytes(RtcpVectors.ChromeTransportCc), out var feedback));

        Assert.Equal(1u, feedback.SenderSsrc);
        Assert.Equal(0xdd586eb6u, feedback.MediaSsrc);
        Assert.Equal(1, feedback.BaseSequenceNumber);
        Assert.Equal(9, feedback.PacketStatusCount);
        Assert.Equal(6197520, feedback.ReferenceTime);
        Assert.Equal(ChromeReference, feedback.ReferenceTimeMicroseconds);
        Assert.Equal(0, feedback.FeedbackPacketCount);

        var expected = ChromeDeltasMs
            .Select((ms, i) => new TransportCcPacketStatus((ushort)(i + 1), TransportCcSymbol.SmallDelta, ms * 1000))
            .ToArray();
        Assert.Equal(expected, Statuses(feedback));
    }

    [Fact]
    public void Writes_chrome_feedback_byte_for_byte()
    {
        var arrivals = new TransportCcArrival[ChromeDeltasMs.Length];
        var time = ChromeReference;
        for (var i = 0; i < arrivals.Length; i++)
        {
            time += ChromeDeltasMs[i] * 1000;
            arrivals[i] = new TransportCcArrival((ushort)(i + 1), time);
        }

        var buffer = new byte[100];
        Assert.True(RtcpTransportFeedback.TryWrite(buffer, 1, 0xdd586eb6, 0, arrivals, out var written));

        Assert.Equal(RtcpVectors.Bytes(RtcpVectors.ChromeTransportCc), buffer[..written]);
    }

    [Fact]
    public void Parses_status_vectors_lost_packets_and_large_deltas()
    {
        Assert.True(RtcpTransportFeedback.TryParse(RtcpVectors.Bytes(RtcpVectors.PionTransportCcVectors), out var feedback));

        Assert.Equal(34108, feedback.BaseSequenceNumber);
        Assert.Equal(6551830, feedback.ReferenceTime);
        Assert.Equal(179, feedback.FeedbackPacketCount);
        Assert.Equal(
            [
                new(34108, TransportCcSymbol.SmallDelta, 38750),
                new(34109, TransportCcSymbol.SmallDelta, 42500),
                new(34110, TransportCcSymbol.SmallDelta, 26500),
                new(34111, TransportCcSymbol.SmallDelta, 42500),
                new(34112, TransportCcSymbol.SmallDelta, 30750),
                new(34113, TransportCcSymbol.NotReceived, 0),
                new(34114, TransportCcSymbol.LargeDelta, 66250),
                new(34115, TransportCcSymbol.NotReceived, 0),
                new TransportCcPacketStatus(34116, TransportCcSymbol.NotReceived, 0),
            ],
            Statuses(feedback));
    }

    [Fact]
    public void Writes_the_chunk_kinds_libwebrtc_would_choose()
    {
        // 0..4 small, 5 lost, 6 large (a two-bit vector of 7), then 7..20 all small (a run of 14) - relative
        // to a reference of 0: the first delta is 1 ms.
        var arrivals = new List<TransportCcArrival>();
        long time = 0;
        for (ushort seq = 0; seq <= 20; seq++)
        {
            if (seq == 5)
            {
                continue;
            }

            time += seq == 6 ? 100_000 : 1000;
            arrivals.Add(new TransportCcArrival(seq, time));
        }

        var buffer = new byte[200];
        Assert.True(RtcpTransportFeedback.TryWrite(buffer, 1, 2, 3, arrivals.ToArray(), out var written));

        Assert.Equal(
            RtcpVectors.Bytes(
                "afcd000b 00000001 00000002 00000015 00000003" +
                "d552 200e" + // 2-bit vector: S S S S S N L; run-length: 14 small
                "04040404 04 0190 0404040404040404040404040404" + // deltas: 4 small, 1 small, large 400 ticks, 14 small
                "00 00 03"),
            buffer[..written]);

        Assert.True(RtcpTransportFeedback.TryParse(buffer.AsSpan(0, written), out var feedback));
        Assert.Equal(21, feedback.PacketStatusCount);
    }

    [Fact]
    public void Writes_a_one_bit_vector_for_mixed_small_and_lost()
    {
        // 13 statuses alternating received/lost: one one-bit vector chunk (1 0 1 0 ... 1, and an unused 0).
        var arrivals = Enumerable.Range(0, 7).Select(i => new TransportCcArrival((ushort)(i * 2), 64_000 + (i * 2000))).ToArray();
        var buffer = new byte[100];

        Assert.True(RtcpTransportFeedback.TryWrite(buffer, 1, 2, 0, arrivals, out var written));

        Assert.Equal(
            RtcpVectors.Bytes("afcd0007 00000001 00000002 0000000d 00000100 aaaa 00080808080808 000003"),
            buffer[..written]);
    }

    [Theory]
    [InlineData("afcd0005 fa17fa17 4303 2fa0 00990003 3de80217 2003 9401")] // 3 small deltas announced, 1 present
    [InlineData("afcd0005 fa17fa17 4303 2fa0 00990002 3de80217 4002 9401")] // 2 large deltas announced, 1 byte present
    [InlineData("8fcd0005 00000001 00000002 00000001 00000000 6001 0000")] // reserved symbol in a run
    [InlineData("8fcd0005 00000001 00000002 00000001 00000000 f000 0000")] // reserved symbol in a two-bit vector
    [InlineData("8fcd0004 00000001 00000002 00000003 00000000")] // statuses announced, no chunk
    [InlineData("8fcd0003 00000001 00000002 00000000")] // FCI shorter than its fixed part
    public void Rejects_malformed_feedback(string hex)
    {
        Assert.False(RtcpTransportFeedback.TryParse(RtcpVectors.Bytes(hex), out _));
    }

    [Fact]
    public void Accepts_an_empty_feedback()
    {
        // pion's "example7": no statuses at all.
        Assert.True(RtcpTransportFeedback.TryParse(RtcpVectors.Bytes("8fcd0004 9acb0442 00000000 00000000 00000000"), out var feedback));
        Assert.Equal(0, feedback.PacketStatusCount);
        Assert.Empty(Statuses(feedback));
    }

    [Fact]
    public void Refuses_to_write_what_cannot_be_encoded()
    {
        var buffer = new byte[200];

        Assert.False(RtcpTransportFeedback.TryWrite(buffer, 1, 2, 0, [], out _));
        Assert.False(RtcpTransportFeedback.TryWrite(buffer, 1, 2, 0, [new(5, 1000), new(4, 2000)], out _)); // out of order
        Assert.False(RtcpTransportFeedback.TryWrite(buffer, 1, 2, 0, [new(5, 1000), new(5, 2000)], out _)); // duplicate
        Assert.False(RtcpTransportFeedback.TryWrite(buffer, 1, 2, 0, [new(5, 0), new(6, 9_000_000)], out _)); // delta > 8.19 s
        Assert.False(RtcpTransportFeedback.TryWrite(buffer, 1, 2, 0, [new(5, -1)], out _));
        Assert.False(RtcpTransportFeedback.TryWrite(new byte[20], 1, 2, 0, [new(5, 0)], out _));
    }

    private static TransportCcPacketStatus[] Statuses(RtcpTransportFeedback feedback)
    {
        var statuses = new List<TransportCcPacketStatus>();
        foreach (var status in feedback.Packets)
        {
            statuses.Add(status);
        }

        return [.. statuses];
    }
}
