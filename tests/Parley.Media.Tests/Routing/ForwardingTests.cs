using System.Collections.Concurrent;
using Parley.Media.Ortc;
using Parley.Media.Rtp;
using Parley.Media.Tests.Ortc;

namespace Parley.Media.Tests.Routing;

public sealed class ForwardingTests
{
    private static byte AudioLevelId(RtpParameters parameters) =>
        (byte)parameters.HeaderExtensions.Single(e => e.Uri == RtpHeaderExtensionUris.AudioLevel).Id;

    private static byte MidId(RtpParameters parameters) =>
        (byte)parameters.HeaderExtensions.Single(e => e.Uri == RtpHeaderExtensionUris.Mid).Id;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task One_producer_reaches_every_consumer_rewritten_to_its_own_parameters(bool portableWorker)
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile, portableWorker);
        for (var i = 0; i < 3; i++)
        {
            await scenario.AddConsumerAsync();
        }

        var producerAudioLevel = AudioLevelId(scenario.Producer.RtpParameters);
        var producerMid = MidId(scenario.Producer.RtpParameters);
        var sent = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            var packet = TestRtp.Build(
                scenario.ProducerPayloadType, (ushort)(65530 + i), (uint)(4_000_000_000 + (i * 960)), scenario.ProducerSsrc,
                [(byte)i, 0xAA, 0xBB, 0xCC],
                (producerMid, "0"u8.ToArray()), (producerAudioLevel, [(byte)(0x80 | i)]));
            sent.Add(packet);
            scenario.Sender.SendTo(scenario.ProducerTransport.Tuple.LocalPort, packet);
        }

        var ssrcs = new HashSet<uint>();
        foreach (var (_, consumer, peer) in scenario.Consumers)
        {
            var parameters = consumer.RtpParameters;
            var consumerAudioLevel = AudioLevelId(parameters);
            ushort? firstSequence = null;
            uint? firstTimestamp = null;
            for (var i = 0; i < 10; i++)
            {
                var received = await peer.ReceiveRtpAsync();
                var (payloadType, sequence, timestamp, ssrc) = TestRtp.Header(received);
                Assert.Equal(parameters.Encodings[0].Ssrc, ssrc);
                Assert.Equal(parameters.Codecs[0].PayloadType, payloadType);
                firstSequence ??= sequence;
                firstTimestamp ??= timestamp;
                Assert.Equal((ushort)(firstSequence.Value + i), sequence);
                Assert.Equal(firstTimestamp.Value + (uint)(i * 960), timestamp);
                Assert.Equal(TestRtp.Payload(sent[i]), TestRtp.Payload(received));

                Assert.True(RtpPacket.TryParse(received, out var rtp));
                Assert.True(rtp.TryGetExtension(consumerAudioLevel, out var level));
                Assert.Equal((byte)(0x80 | i), level[0]);
                var mid = parameters.HeaderExtensions.FirstOrDefault(e => e.Uri == RtpHeaderExtensionUris.Mid);
                Assert.True(mid is null || !rtp.TryGetExtension((byte)mid.Id, out _), "the producer's MID must not reach the consumer");
            }

            ssrcs.Add(parameters.Encodings[0].Ssrc!.Value);
        }

        Assert.Equal(3, ssrcs.Count);
        var stats = await scenario.Consumers[0].Consumer.GetStatsAsync();
        Assert.Equal("outbound-rtp", stats[0].Type);
        Assert.Equal(10, stats[0].PacketCount);
        Assert.Equal(scenario.Consumers[0].Consumer.RtpParameters.Encodings[0].Ssrc, stats[0].Ssrc);
        Assert.Equal("inbound-rtp", stats[1].Type);
        var producerStats = await scenario.Producer.GetStatsAsync();
        Assert.Equal(10, producerStats.Single().PacketCount);
        var transportStats = await scenario.Consumers[0].Transport.GetStatsAsync();
        Assert.Equal("plain-rtp-transport", transportStats.Type);
        Assert.Equal(10, transportStats.RtpPacketCountSent);
        Assert.True(transportStats.BytesSent > 10 * 12);
    }

    [Fact]
    public async Task A_consumer_starts_paused_and_sends_nothing_until_resumed()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (_, consumer, peer) = await scenario.AddConsumerAsync(resume: false);
        Assert.True(consumer.IsPaused);

        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 1, 960, scenario.ProducerSsrc, [1]));
        await consumer.ResumeAsync();
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 2, 1920, scenario.ProducerSsrc, [2]));

        var received = await peer.ReceiveRtpAsync();
        Assert.Equal([2], TestRtp.Payload(received));
        Assert.DoesNotContain(peer.Drain(), UdpPeer.IsRtp);
    }

    [Fact]
    public async Task Pause_and_resume_leave_no_sequence_gap_and_timestamps_keep_rising()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (_, consumer, peer) = await scenario.AddConsumerAsync();
        ushort sequence = 100;
        uint timestamp = 48_000;

        async Task SendBurstAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, sequence++, timestamp, scenario.ProducerSsrc, [0]));
                timestamp += 960;
            }
        }

        await SendBurstAsync(5);
        await consumer.PauseAsync();
        await SendBurstAsync(20);
        await consumer.ResumeAsync();
        await SendBurstAsync(5);

        var headers = new List<(byte, ushort Sequence, uint Timestamp, uint)>();
        for (var i = 0; i < 10; i++)
        {
            headers.Add(TestRtp.Header(await peer.ReceiveRtpAsync()));
        }

        Assert.DoesNotContain(peer.Drain(), UdpPeer.IsRtp);
        for (var i = 1; i < headers.Count; i++)
        {
            Assert.Equal((ushort)(headers[i - 1].Sequence + 1), headers[i].Sequence);
            Assert.True(headers[i].Timestamp - headers[i - 1].Timestamp is > 0 and < 0x8000_0000, "timestamps must rise");
        }
    }

    [Fact]
    public async Task A_producer_pause_pauses_its_consumers_with_events()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (_, consumer, peer) = await scenario.AddConsumerAsync();
        var paused = Eventually.EventAsync<object>(h => consumer.ProducerPaused += h);
        var resumed = Eventually.EventAsync<object>(h => consumer.ProducerResumed += h);

        await scenario.Producer.PauseAsync();
        Assert.Same(consumer, await paused);
        Assert.True(consumer.IsProducerPaused);
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 1, 0, scenario.ProducerSsrc, [1]));

        await scenario.Producer.ResumeAsync();
        Assert.Same(consumer, await resumed);
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 2, 960, scenario.ProducerSsrc, [2]));
        Assert.Equal([2], TestRtp.Payload(await peer.ReceiveRtpAsync()));
    }

    [Fact]
    public async Task Pause_and_resume_events_arrive_in_the_order_they_happened()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        var (_, consumer, _) = await scenario.AddConsumerAsync();
        var seen = new ConcurrentQueue<bool>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int Cycles = 200;
        void Record(bool paused)
        {
            // Handlers that take varying time: raised independently on the thread pool, later events overtake.
            Thread.SpinWait(Random.Shared.Next(2000));
            seen.Enqueue(paused);
            if (seen.Count == 2 * Cycles)
            {
                all.TrySetResult();
            }
        }

        consumer.ProducerPaused += (_, _) => Record(true);
        consumer.ProducerResumed += (_, _) => Record(false);
        for (var i = 0; i < Cycles; i++)
        {
            await scenario.Producer.PauseAsync();
            await scenario.Producer.ResumeAsync();
        }

        await all.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(0, 2 * Cycles).Select(i => i % 2 == 0), seen);
    }

    [Fact]
    public async Task A_video_consumer_requests_a_keyframe_on_resume_and_waits_for_one()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.H264File);

        // The producer transport learns its remote address from the first packet; only then can a PLI go back.
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 1, 0, scenario.ProducerSsrc, TestRtp.H264DeltaFrame(1)));
        var (_, consumer, peer) = await scenario.AddConsumerAsync();

        var pli = await scenario.Sender.ReceiveRtcpAsync(206, format: 1);
        Assert.Equal(scenario.ProducerSsrc, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(pli.AsSpan(8)));

        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 2, 3000, scenario.ProducerSsrc, TestRtp.H264DeltaFrame(2)));
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 3, 6000, scenario.ProducerSsrc, TestRtp.H264KeyFrame(3)));
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 4, 9000, scenario.ProducerSsrc, TestRtp.H264DeltaFrame(4)));

        Assert.Equal(TestRtp.H264KeyFrame(3), TestRtp.Payload(await peer.ReceiveRtpAsync()));
        Assert.Equal(TestRtp.H264DeltaFrame(4), TestRtp.Payload(await peer.ReceiveRtpAsync()));
        Assert.DoesNotContain(peer.Drain(), UdpPeer.IsRtp);
        Assert.Equal(1, await scenario.KeyFramesAsync());
    }

    [Fact]
    public async Task Rtx_the_router_asked_for_is_restored_before_forwarding()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.H264File);
        var (_, _, peer) = await scenario.AddConsumerAsync();
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 6, 3000, scenario.ProducerSsrc, TestRtp.H264KeyFrame(6)));
        Assert.Equal(TestRtp.H264KeyFrame(6), TestRtp.Payload(await peer.ReceiveRtpAsync()));

        // 7 is lost on the way in; 8 opens the gap and the router NACKs 7; the sender's RTX of 7 is forwarded as 7.
        var lost = TestRtp.Build(scenario.ProducerPayloadType, 7, 6000, scenario.ProducerSsrc, TestRtp.H264DeltaFrame(7));
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 8, 9000, scenario.ProducerSsrc, TestRtp.H264DeltaFrame(8)));
        Assert.Equal(TestRtp.H264DeltaFrame(8), TestRtp.Payload(await peer.ReceiveRtpAsync()));
        await scenario.Sender.ReceiveRtcpAsync(205, format: 1);
        await scenario.SendAndWaitAsync(Rtx(scenario, lost, 500));

        var received = await peer.ReceiveRtpAsync();
        Assert.Equal(TestRtp.H264DeltaFrame(7), TestRtp.Payload(received));
        Assert.Equal(7, TestRtp.Header(received).Sequence);
        var stats = (await scenario.Producer.GetStatsAsync()).Single();
        Assert.Equal(1, stats.PacketsRetransmitted);
        Assert.Equal(0, stats.RtxPacketsDiscarded);
    }

    [Fact]
    public async Task Rtx_nobody_asked_for_is_dropped_and_counted()
    {
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.H264File);
        var (_, _, peer) = await scenario.AddConsumerAsync();
        var keyFrame = TestRtp.Build(scenario.ProducerPayloadType, 6, 3000, scenario.ProducerSsrc, TestRtp.H264KeyFrame(6));
        await scenario.SendAndWaitAsync(keyFrame);
        Assert.Equal(TestRtp.H264KeyFrame(6), TestRtp.Payload(await peer.ReceiveRtpAsync()));

        // A copy of a packet already received (Chromium probes bandwidth with RTX copies of recent packets), and an RTX
        // packet ahead of the stream (padding-only probing): neither reaches the consumer.
        await scenario.SendAndWaitAsync(Rtx(scenario, keyFrame, 500));
        await scenario.SendAndWaitAsync(Rtx(scenario, TestRtp.Build(scenario.ProducerPayloadType, 9, 9000, scenario.ProducerSsrc, [0, 0, 0]), 501));
        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 7, 6000, scenario.ProducerSsrc, TestRtp.H264DeltaFrame(7)));

        Assert.Equal(TestRtp.H264DeltaFrame(7), TestRtp.Payload(await peer.ReceiveRtpAsync()));
        Assert.DoesNotContain(peer.Drain(), UdpPeer.IsRtp);
        var stats = (await scenario.Producer.GetStatsAsync()).Single();
        Assert.Equal(2, stats.RtxPacketsDiscarded);
        Assert.Equal(0, stats.PacketsRetransmitted);
    }

    private static byte[] Rtx(RoutingScenario scenario, byte[] original, ushort rtxSequence)
    {
        var encoding = scenario.Producer.RtpParameters.Encodings[0];
        var rtxPayloadType = (byte)scenario.Producer.RtpParameters.Codecs.Single(c => c.MimeType == "video/rtx").PayloadType;
        Assert.True(RtpPacket.TryParse(original, out var packet));
        var rtx = new byte[1500];
        Assert.True(RtxPacket.TryWrap(packet, rtx, encoding.Rtx!.Ssrc, rtxPayloadType, rtxSequence, out var length));
        return rtx[..length];
    }
}
