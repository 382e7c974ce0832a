using System.Buffers.Binary;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;
using Parley.Media.Tests.Ortc;

namespace Parley.Media.Tests.Routing;

public sealed class ReliabilityTests
{
    [Fact]
    public async Task A_consumer_nack_is_answered_from_the_producer_stream_buffer_as_rtx()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.H264File);
        var (transport, consumer, peer) = await scenario.AddConsumerAsync();
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 10, 0, scenario.ProducerSsrc, TestRtp.H264KeyFrame(10)));
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 11, 3000, scenario.ProducerSsrc, TestRtp.H264DeltaFrame(11)));
        await peer.ReceiveRtpAsync();
        var second = await peer.ReceiveRtpAsync();
        var (_, lostSequence, lostTimestamp, consumerSsrc) = TestRtp.Header(second);

        var nack = new byte[64];
        Assert.True(RtcpGenericNack.TryWrite(nack, 1, consumerSsrc, [lostSequence], out var nackLength));
        peer.SendTo(transport.Tuple.LocalPort, nack.AsSpan(0, nackLength));

        var rtxSsrc = consumer.RtpParameters.Encodings[0].Rtx!.Ssrc;
        var rtxPayloadType = consumer.RtpParameters.Codecs.Single(c => c.MimeType == "video/rtx").PayloadType;
        var rtx = await peer.ReceiveAsync(d => UdpPeer.IsRtp(d) && TestRtp.Header(d).Ssrc == rtxSsrc);
        Assert.Equal(rtxPayloadType, TestRtp.Header(rtx).PayloadType);
        Assert.True(RtpPacket.TryParse(rtx, out var rtxPacket));
        var restored = new byte[1500];
        Assert.True(RtxPacket.TryUnwrap(rtxPacket, restored, consumerSsrc, (byte)consumer.RtpParameters.Codecs[0].PayloadType, out var restoredLength));
        var (_, sequence, timestamp, _) = TestRtp.Header(restored[..restoredLength]);
        Assert.Equal((lostSequence, lostTimestamp), (sequence, timestamp));
        Assert.Equal(TestRtp.H264DeltaFrame(11), TestRtp.Payload(restored[..restoredLength]));

        var stats = await consumer.GetStatsAsync();
        Assert.Equal(1, stats[0].NackCount);
        Assert.Equal(1, stats[0].PacketsRetransmitted);
    }

    [Fact]
    public async Task Loss_on_the_way_in_is_nacked_upstream()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.H264File);
        foreach (ushort sequence in new ushort[] { 1, 2, 4 })
        {
            await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, sequence, sequence * 3000u, scenario.ProducerSsrc, TestRtp.H264DeltaFrame(1)));
        }

        var nack = await scenario.Sender.ReceiveRtcpAsync(205, format: 1);
        var reader = new RtcpCompoundReader(nack);
        Assert.True(reader.MoveNext());
        while (reader.CurrentHeader.PacketType != RtcpPacketType.TransportFeedback)
        {
            Assert.True(reader.MoveNext());
        }

        Assert.True(RtcpGenericNack.TryParse(reader.CurrentPacket, out var parsed));
        Assert.Equal(scenario.ProducerSsrc, parsed.MediaSsrc);
        var lost = new List<ushort>();
        foreach (var sequence in parsed.LostSequenceNumbers)
        {
            lost.Add(sequence);
        }

        Assert.Equal([3], lost);
        var stats = (await scenario.Producer.GetStatsAsync()).Single();
        Assert.True(stats.NackCount >= 1);
    }

    [Fact]
    public async Task Keyframe_requests_from_a_consumer_are_throttled_and_the_held_one_follows()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.H264File);
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 1, 0, scenario.ProducerSsrc, TestRtp.H264KeyFrame(1)));
        var (transport, consumer, _) = await scenario.AddConsumerAsync();
        await scenario.Sender.ReceiveRtcpAsync(206, format: 1); // the resume's own request

        var pli = new byte[12];
        var consumerSsrc = consumer.RtpParameters.Encodings[0].Ssrc!.Value;
        Assert.True(new RtcpPictureLossIndication(1, consumerSsrc).TryWrite(pli, out _));
        var peer = scenario.Consumers[0].Peer;
        for (var i = 0; i < 3; i++)
        {
            peer.SendTo(transport.Tuple.LocalPort, pli);
        }

        await Eventually.TrueAsync(async () => (await consumer.GetStatsAsync())[0].PliCount == 3, "the three PLIs to be processed");

        // Three requests inside one interval: none goes out at once (at most one, should the interval since the
        // resume's request have ended on a slow machine); the rest are held as one pending request that goes out
        // when the interval ends.
        var immediate = scenario.Sender.Drain().Count(d => !UdpPeer.IsRtp(d) && d[1] == 206);
        Assert.InRange(immediate, 0, 1);
        await scenario.Sender.ReceiveRtcpAsync(206, format: 1);
    }

    [Fact]
    public async Task Every_outgoing_stream_gets_a_sender_report_and_every_incoming_one_a_receiver_report()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (_, consumer, peer) = await scenario.AddConsumerAsync();
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 1, 96_000, scenario.ProducerSsrc, [1]));
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 2, 96_960, scenario.ProducerSsrc, [2]));
        await peer.ReceiveRtpAsync();
        var forwarded = TestRtp.Header(await peer.ReceiveRtpAsync());

        var sr = await peer.ReceiveRtcpAsync(200);
        Assert.True(RtcpSenderReport.TryParse(First(sr), out var report));
        Assert.Equal(consumer.RtpParameters.Encodings[0].Ssrc, report.Ssrc);
        Assert.Equal(2u, report.PacketCount);
        var ntpSeconds = (long)(report.NtpTimestamp >> 32) - 2_208_988_800;
        Assert.InRange(ntpSeconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        var ticksSinceForwarded = report.RtpTimestamp - forwarded.Timestamp;
        Assert.InRange(ticksSinceForwarded, 0u, 48_000u * 3);
        Assert.True(ContainsSdes(sr), "an SR goes with an SDES CNAME");

        var rr = await scenario.Sender.ReceiveRtcpAsync(201);
        Assert.True(RtcpReceiverReport.TryParse(First(rr), out var receiverReport));
        var blocks = new List<RtcpReportBlock>();
        foreach (var block in receiverReport.ReportBlocks)
        {
            blocks.Add(block);
        }

        Assert.Equal(scenario.ProducerSsrc, Assert.Single(blocks).Ssrc);
        Assert.Equal(2u, blocks[0].ExtendedHighestSequence);
        Assert.Equal(0, blocks[0].CumulativeLost);
    }

    private static byte[] First(byte[] compound)
    {
        var reader = new RtcpCompoundReader(compound);
        Assert.True(reader.MoveNext());
        return reader.CurrentPacket.ToArray();
    }

    private static bool ContainsSdes(byte[] compound)
    {
        var reader = new RtcpCompoundReader(compound);
        while (reader.MoveNext())
        {
            if (reader.CurrentHeader.PacketType == RtcpPacketType.SourceDescription)
            {
                return true;
            }
        }

        return false;
    }
}
